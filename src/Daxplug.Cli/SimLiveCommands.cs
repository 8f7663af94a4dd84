using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Daxplug.Fuse;

namespace Daxplug.Cli;

/// <summary>The live-sysfs verbs: "sim serve" (a FUSE mount) and "sim exec" (a command in a private namespace).</summary>
internal static class SimLiveCommands
{
    public static IEnumerable<Command> Build(SimOptions o)
    {
        var mount = new Option<string>("--mount") { Description = "An empty directory to mount the model on (DIR/sys, DIR/proc/{iomem,meminfo,zoneinfo}, DIR/dev/kmsg)", Required = true };
        var serve = new Command("serve", "Serve the simulated kernel over FUSE until SIGINT/SIGTERM; prints 'mounted DIR' when ready.\n\n" +
                                         "Example:\n  daxplug sim serve --mount /tmp/m &   lsmem --sysroot /tmp/m   kill %1");
        serve.Options.Add(mount);
        serve.SetAction(r =>
        {
            var dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(r.GetValue(mount)!));
            if (!Directory.Exists(dir))
            {
                throw new CliException($"--mount {dir}: no such directory", CliException.Usage);
            }

            if (FuseServer.IsServing(dir))
            {
                throw new CliException($"--mount {dir}: another daxplug already serves a model there", CliException.Usage);
            }

            var (kernel, held) = o.OpenToChange(r);
            using var _ = held;
            // The runtime, not libfuse, gets SIGINT/SIGTERM: turn them into an unmount, which ends the loop. One
            // that comes before the mount is made unmounts as soon as it is.
            var stop = new ServeStop(dir);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, stop.Signal);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, stop.Signal);
            int rc;
            // Unmounts DIR if this process dies without doing it itself (kill -9), beside auto_unmount.
            using var watchdog = MountWatchdog.Start(dir);
            try
            {
                rc = FuseServer.Run(new ModelFileSystem(kernel), dir, () =>
                {
                    Console.Out.WriteLine($"mounted {dir}");
                    stop.Mounted();
                }, autoUnmount: true);
            }
            finally
            {
                // Whatever ended the loop, the model is not left mounted on DIR.
                FuseServer.Unmount(dir);
                watchdog.Kill(entireProcessTree: true);
            }

            o.Save(kernel, r);
            // fuse_main_real: 0 after an unmount, 8 after SIGINT/SIGTERM; anything else is a failure to mount.
            return rc is 0 or 8 ? 0 : throw new CliException($"could not serve on {dir} (libfuse exit {rc})");
        });

        var command = new Argument<string[]>("command") { Description = "The command and its arguments (after --)", Arity = ArgumentArity.OneOrMore };
        var exec = new Command("exec", "Run a command in a private mount namespace where /sys, /proc/iomem, /proc/meminfo, /proc/zoneinfo, /dev/kmsg and /dev/daxR.N are the " +
                                       "simulated kernel's; exits with the command's code and leaves nothing mounted.\n\n" +
                                       "Examples:\n  daxplug sim exec -- lsmem\n  daxplug sim exec --kernel 6.18 -- daxctl list -DRM\n" +
                                       "  daxplug sim exec -- sh -c 'echo unplugged > /sys/bus/dax/devices/dax1.0/state; lsmem'");
        exec.Arguments.Add(command);
        exec.SetAction(r => Outer(r, o, r.GetValue(command)!));

        var inner = new Command("exec-inner", "(internal) the part of 'sim exec' that runs inside the namespace") { Hidden = true };
        var innerCommand = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore };
        inner.Arguments.Add(innerCommand);
        inner.SetAction(r =>
        {
            // The outer daxplug armed a death signal for this process; if it died before that, end here.
            if (Environment.GetEnvironmentVariable(ParentVariable) is { } parent && !SimNamespace.ParentIs(int.Parse(parent, System.Globalization.CultureInfo.InvariantCulture)))
            {
                return 1;
            }

            Environment.SetEnvironmentVariable(ParentVariable, null);
            var (kernel, held) = o.OpenToChange(r);
            using var _ = held;
            int code = SimNamespace.Run(kernel, r.GetValue(innerCommand)!, Console.Error);
            o.Save(kernel, r);
            Console.Out.Flush();
            Environment.Exit(code);
            return code;
        });
        return [serve, exec, inner];
    }

    /// <summary>The outer daxplug's pid, for the inner one to check that its death signal was armed in time.</summary>
    private const string ParentVariable = "DAXPLUG_SIM_PARENT";

    // unshare(CLONE_NEWNS) needs a single-threaded process, so the namespace is made by util-linux's unshare
    // around a second daxplug process, which dies with this one (SIGKILL from PR_SET_PDEATHSIG), and the command
    // and the server with it.
    private static int Outer(ParseResult r, SimOptions o, string[] command)
    {
        if (!SimNamespace.IsRoot)
        {
            throw new CliException("sim exec needs root (it mounts in a private mount namespace)");
        }

        foreach (var tool in new[] { "unshare", "setpriv" })
        {
            if (!File.Exists(SimNamespace.Tool(tool)))
            {
                throw new CliException($"sim exec needs {tool}(1) from util-linux");
            }
        }

        var args = SimNamespace.DieWithParent().Concat([SimNamespace.Tool("unshare"), "-m", "--propagation", "private", "--"]).Concat(SelfCommand()).ToList();
        var psi = new ProcessStartInfo(args[0]) { UseShellExecute = false };
        psi.Environment[ParentVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var a in args.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        psi.ArgumentList.Add("sim");
        foreach (var a in o.Forward(r))
        {
            psi.ArgumentList.Add(a);
        }

        psi.ArgumentList.Add("exec-inner");
        psi.ArgumentList.Add("--");
        foreach (var a in command)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>SIGINT/SIGTERM for "sim serve": an unmount now if mounted, else as soon as the mount is made.</summary>
    private sealed class ServeStop(string dir)
    {
        private readonly Lock gate = new();
        private bool mounted, requested;

        public void Signal(PosixSignalContext context)
        {
            context.Cancel = true;
            lock (gate)
            {
                requested = true;
                if (!mounted)
                {
                    return;
                }
            }

            FuseServer.Unmount(dir);
        }

        // Called from the FUSE INIT callback: the unmount is left to another thread, not made from inside the
        // server's own request.
        public void Mounted()
        {
            lock (gate)
            {
                mounted = true;
                if (!requested)
                {
                    return;
                }
            }

            ThreadPool.QueueUserWorkItem(_ => FuseServer.Unmount(dir));
        }
    }

    /// <summary>How to start this program again: the apphost/AOT binary, or dotnet with the dll.</summary>
    private static string[] SelfCommand()
    {
        var self = Environment.ProcessPath ?? throw new CliException("cannot find my own executable");
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? [self, Path.Combine(AppContext.BaseDirectory, "daxplug.dll")]
            : [self];
    }
}
