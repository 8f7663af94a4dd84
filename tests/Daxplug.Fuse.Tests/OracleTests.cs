namespace Daxplug.Fuse.Tests;

/// <summary>
/// The differential oracle (oracle/run.sh) in CI: five scenarios, each booted on the real Debian 6.18 kernel under
/// QEMU and run in `daxplug sim exec` on the qemu machine; every line the two print must be the same. Needs root,
/// qemu-system-x86, busybox-static and cpio (.ci/run installs them) and, the first time, apt access to the kernel.
/// </summary>
[Collection("oracle")]
public class OracleTests
{
    [Theory]
    [InlineData("01-initial")]
    [InlineData("02-block-transitions")]
    [InlineData("04-region-edit")]
    [InlineData("06-unbind-leak")]
    [InlineData("10-page-offline")]
    public void Kernel618_AndModel_PrintTheSame(string scenario)
    {
        var (exit, output) = RunOracle("6.18", scenario);
        Assert.True(exit == 0, $"oracle/run.sh exited {exit}:\n{output}");
        Assert.Contains($"{scenario}: identical", output, StringComparison.Ordinal);
        Assert.Contains("1 scenarios", output, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownScenario_IsAUsageError()
    {
        var (exit, output) = RunOracle("6.18", "no-such-scenario");
        Assert.Equal(2, exit);
        Assert.Contains("no scenario 'no-such-scenario'", output, StringComparison.Ordinal);
    }

    private static (int Exit, string Output) RunOracle(string kernel, string scenario)
    {
        var (exit, stdout, stderr) = Daxplug.Kernel.Tests.CliRunner.RunProgram(
            "bash", [Path.Combine(RepoRoot(), "oracle", "run.sh"), "--kernel", kernel, scenario], TimeSpan.FromMinutes(10),
            new Dictionary<string, string> { ["DAXPLUG"] = Daxplug.Kernel.Tests.CliRunner.Command });
        return (exit, stdout + stderr);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Daxplug.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("the repository root (Daxplug.slnx) is not above " + AppContext.BaseDirectory);
    }
}
