using System.Diagnostics;

namespace Daxplug.Kernel.Tests;

/// <summary>Runs the real daxplug CLI (the daxplug.dll built next to the tests) and captures its output.</summary>
internal static class CliRunner
{
    /// <summary>libfuse 3.14 prints this harmless line when its loop starts; it is not the command's output.</summary>
    private const string FuseNoise = "Ignoring invalid max threads value";

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "daxplug.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"daxplug {string.Join(' ', args)} did not finish");
        }

        var err = string.Concat(stderr.Result.Split('\n').Where(l => !l.StartsWith(FuseNoise, StringComparison.Ordinal)).Select(l => l + "\n"))[..^1];
        return (p.ExitCode, stdout.Result, err);
    }
}
