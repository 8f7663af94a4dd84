using System.Diagnostics;

namespace Daxplug.TestKit;

/// <summary>Runs the real daxplug CLI (the daxplug.dll built next to the tests) and captures its output.</summary>
public static class CliRunner
{
    /// <summary>libfuse 3.14 prints this harmless line when its loop starts; it is not the command's output.</summary>
    private const string FuseNoise = "Ignoring invalid max threads value";

    /// <summary>The daxplug.dll next to the tests, as "dotnet daxplug.dll".</summary>
    public static string Command => "dotnet " + Path.Combine(AppContext.BaseDirectory, "daxplug.dll");

    public static (int Exit, string Out, string Err) Run(params string[] args) => RunWithin(TimeSpan.FromMinutes(2), args);

    /// <summary>Runs the CLI with a time limit of its own (a command known to take long).</summary>
    public static (int Exit, string Out, string Err) RunWithin(TimeSpan timeout, params string[] args)
    {
        var (exit, stdout, stderr) = RunProgram("dotnet", [Path.Combine(AppContext.BaseDirectory, "daxplug.dll"), .. args], timeout);
        var err = string.Concat(stderr.Split('\n').Where(l => !l.StartsWith(FuseNoise, StringComparison.Ordinal)).Select(l => l + "\n"))[..^1];
        return (exit, stdout, err);
    }

    /// <summary>Runs a program to its end (killed, with its children, after <paramref name="timeout"/>).</summary>
    public static (int Exit, string Out, string Err) RunProgram(string file, IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        // Standard input is an empty pipe, never the terminal the tests run on: nothing may wait for a person.
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
