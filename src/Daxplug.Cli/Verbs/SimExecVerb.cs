using System.CommandLine;
using System.Diagnostics;
using Daxplug.Cli.CommandLine;
using Daxplug.Fuse;

namespace Daxplug.Cli.Verbs;

/// <summary>"sim exec -- COMMAND": a command in a private mount namespace where the simulated kernel is /sys.</summary>
internal static class SimExecVerb
{
    public static Command Build(SimOptions o)
    {
        var command = new Argument<string[]>("command") { Description = "The command and its arguments (after --)", Arity = ArgumentArity.OneOrMore };
        var exec = new Command("exec", "Run a command in a private mount namespace where /sys, /proc/iomem, /proc/meminfo, /proc/zoneinfo, /dev/kmsg and /dev/daxR.N are the " +
                                       "simulated kernel's; exits with the command's code and leaves nothing mounted.\n\n" +
                                       "Examples:\n  daxplug sim exec -- lsmem\n  daxplug sim exec --kernel 6.18 -- daxctl list -DRM\n" +
                                       "  daxplug sim exec -- sh -c 'echo unplugged > /sys/bus/dax/devices/dax1.0/state; lsmem'");
        exec.Arguments.Add(command);
        exec.SetAction(r => Outer(r, o, r.GetValue(command)!));

        return exec;
    }

    /// <summary>The hidden half of "sim exec" that runs inside the namespace, serves the model and runs the command.</summary>
    public static Command BuildInner(SimOptions o)
    {
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
        return inner;
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

    /// <summary>How to start this program again: the apphost/AOT binary, or dotnet with the dll.</summary>
    private static string[] SelfCommand()
    {
        var self = Environment.ProcessPath ?? throw new CliException("cannot find my own executable");
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? [self, Path.Combine(AppContext.BaseDirectory, "daxplug.dll")]
            : [self];
    }
}
