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
        var mount = new Option<string>("--mount") { Description = "An empty directory to mount the model on (DIR/sys, DIR/proc/iomem)", Required = true };
        var serve = new Command("serve", "Serve the simulated kernel over FUSE until SIGINT/SIGTERM; prints 'mounted DIR' when ready.\n\n" +
                                         "Example:\n  daxplug sim serve --mount /tmp/m &   lsmem --sysroot /tmp/m   kill %1");
        serve.Options.Add(mount);
        serve.SetAction(r =>
        {
            var dir = Path.GetFullPath(r.GetValue(mount)!);
            if (!Directory.Exists(dir))
            {
                throw new CliException($"--mount {dir}: no such directory", CliException.Usage);
            }

            var kernel = o.Open(r);
            // The runtime, not libfuse, gets SIGINT/SIGTERM: turn them into an unmount, which ends the loop.
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Unmount(c, dir));
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Unmount(c, dir));
            int rc = FuseServer.Run(new ModelFileSystem(kernel), dir, () =>
            {
                Console.Out.WriteLine($"mounted {dir}");
                Console.Out.Flush();
            });
            o.Save(kernel, r);
            // fuse_main_real: 0 after an unmount, 8 after SIGINT/SIGTERM; anything else is a failure to mount.
            return rc is 0 or 8 ? 0 : throw new CliException($"could not serve on {dir} (libfuse exit {rc})");
        });

        var command = new Argument<string[]>("command") { Description = "The command and its arguments (after --)", Arity = ArgumentArity.OneOrMore };
        var exec = new Command("exec", "Run a command in a private mount namespace where /sys, /proc/iomem and /dev/daxR.N are the " +
                                       "simulated kernel's; exits with the command's code and leaves nothing mounted.\n\n" +
                                       "Examples:\n  daxplug sim exec -- lsmem\n  daxplug sim exec --abi mainline -- daxctl list -DRM\n" +
                                       "  daxplug sim exec -- sh -c 'echo online_movable > /sys/bus/dax/devices/dax1.0/hotplug; lsmem'");
        exec.Arguments.Add(command);
        exec.SetAction(r => Outer(r, o, r.GetValue(command)!));

        var inner = new Command("exec-inner", "(internal) the part of 'sim exec' that runs inside the namespace") { Hidden = true };
        var innerCommand = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore };
        inner.Arguments.Add(innerCommand);
        inner.SetAction(r =>
        {
            var kernel = o.Open(r);
            int code = SimNamespace.Run(kernel, r.GetValue(innerCommand)!, Console.Error);
            o.Save(kernel, r);
            Console.Out.Flush();
            Environment.Exit(code);
            return code;
        });
        return [serve, exec, inner];
    }

    // unshare(CLONE_NEWNS) needs a single-threaded process, so the namespace is made by util-linux's unshare
    // around a second daxplug process.
    private static int Outer(ParseResult r, SimOptions o, string[] command)
    {
        if (geteuid() != 0)
        {
            throw new CliException("sim exec needs root (it mounts in a private mount namespace)");
        }

        var unshare = new[] { "/usr/bin/unshare", "/bin/unshare" }.FirstOrDefault(File.Exists)
                      ?? throw new CliException("sim exec needs unshare(1) from util-linux");
        var psi = new ProcessStartInfo(unshare) { UseShellExecute = false };
        foreach (var a in new[] { "-m", "--propagation", "private", "--" })
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var a in SelfCommand())
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

    private static void Unmount(PosixSignalContext context, string dir)
    {
        context.Cancel = true;
        FuseServer.Unmount(dir);
    }

    /// <summary>How to start this program again: the apphost/AOT binary, or dotnet with the dll.</summary>
    private static string[] SelfCommand()
    {
        var self = Environment.ProcessPath ?? throw new CliException("cannot find my own executable");
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? [self, Path.Combine(AppContext.BaseDirectory, "daxplug.dll")]
            : [self];
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
