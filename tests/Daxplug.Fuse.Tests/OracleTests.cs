namespace Daxplug.Fuse.Tests;

/// <summary>
/// The differential oracle (oracle/run.sh) in CI, on the last release without the series (6.18) and the first with
/// it (7.3): each scenario booted on the real Debian kernel under QEMU and run in `daxplug sim exec` on the qemu
/// machine as that release; every line the two print must be the same. The attribute scenarios (11-14) only say
/// "no state attribute" on 6.18; 15 runs daxctl and daxplug themselves in the guest. Needs root, qemu-system-x86,
/// busybox-static and cpio (.ci/run installs them) and, the first time, apt access to the kernels.
/// </summary>
[Collection("oracle")]
public class OracleTests
{
    [Theory]
    [InlineData("6.18", "01-initial")]
    [InlineData("6.18", "02-block-transitions")]
    [InlineData("6.18", "04-region-edit")]
    [InlineData("6.18", "06-unbind-leak")]
    [InlineData("6.18", "10-page-offline")]
    [InlineData("6.18", "11-state-writes")]
    [InlineData("6.18", "15-userland")]
    [InlineData("7.3", "01-initial")]
    [InlineData("7.3", "03-hot-remove")]
    [InlineData("7.3", "04-region-edit")]
    [InlineData("7.3", "06-unbind-leak")]
    [InlineData("7.3", "08-auto-online-default")]
    [InlineData("7.3", "11-state-writes")]
    [InlineData("7.3", "12-state-behind-back")]
    [InlineData("7.3", "13-state-rebind")]
    [InlineData("7.3", "14-state-refused")]
    [InlineData("7.3", "15-userland")]
    [InlineData("7.3", "16-state-ranges")]
    [InlineData("7.3", "17-page-poison")]
    [InlineData("7.3", "18-meminfo")]
    [InlineData("7.3", "19-selftest")]
    public void Kernel_AndModel_PrintTheSame(string kernel, string scenario)
    {
        var (exit, output) = RunOracle(kernel, scenario);
        Assert.True(exit == 0, $"oracle/run.sh exited {exit}:\n{output}");
        Assert.Contains($"{scenario}: identical", output, StringComparison.Ordinal);
        Assert.Contains($"kernel {kernel} (", output, StringComparison.Ordinal);
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
        var (exit, stdout, stderr) = CliRunner.RunProgram(
            "bash", [Path.Combine(RepoRoot(), "oracle", "run.sh"), "--kernel", kernel, scenario], TimeSpan.FromMinutes(10),
            new Dictionary<string, string> { ["DAXPLUG"] = CliRunner.Command });
        return (exit, stdout + stderr);
    }

    internal static string RepoRoot()
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
