
namespace Daxplug.Fuse.Tests;

/// <summary>
/// A model of another machine from its sysfs (sim --machine DIR, a sysroot): lsmem inside sim exec prints what
/// lsmem --sysroot DIR prints, for util-linux's own dumps (Dumps/README.md) and a sim dump, with util-linux's option
/// sets (tests/ts/lsmem/lsmem).
/// </summary>
public class LsmemDumpTests
{
    // The option sets of util-linux's lsmem test, each run on the dump and on the model.
    private const string Columns = "RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES";

    private static readonly string[] OptionSets =
    [
        "--split=STATE,REMOVABLE", "--output RANGE,SIZE --split none", "--output RANGE,SIZE,STATE --split STATE",
        $"--all --output {Columns}", $"--raw --output {Columns} --split {Columns}", $"--json --output {Columns} --split {Columns}",
        "-o +ZONES", "--output-all", "",
    ];

    private static string Script(string sysroot) =>
        string.Concat(OptionSets.Select(o => $"echo '$ lsmem {o}'; lsmem {o}{sysroot}; "));

    [Theory]
    [InlineData("x86_64-16g")]
    [InlineData("s390-zvm-6g")]
    [InlineData("aarch64_16K_16g")]
    public void Lsmem_OnAModelOfADump_PrintsWhatLsmemPrintsOnTheDump(string dump)
    {
        using var tmp = new TempDir();
        var tarball = Path.Combine(OracleTests.RepoRoot(), "tests", "Daxplug.Fuse.Tests", "Dumps", dump + ".tar.bz2");
        var (tarExit, _, tarErr) = CliRunner.RunProgram("tar", ["-C", tmp.Path, "-xjf", tarball], TimeSpan.FromMinutes(1));
        Assert.True(tarExit == 0, tarErr);
        AssertSameLsmem(Path.Combine(tmp.Path, dump));
    }

    [Fact]
    public void Lsmem_OnAModelOfASimDump_PrintsWhatLsmemPrintsOnTheDump()
    {
        using var tmp = new TempDir();
        var snap = Path.Combine(tmp.Path, "snap");
        var (exit, _, err) = CliRunner.Run("sim", "--kernel", "6.18", "dump", "--out", snap);
        Assert.True(exit == 0, err);
        AssertSameLsmem(snap);
    }

    [Fact]
    public void ADirectoryThatIsNoSysroot_IsAOneLineError()
    {
        using var tmp = new TempDir();
        var (exit, stdout, stderr) = CliRunner.Run("sim", "--machine", tmp.Path, "show");
        Assert.NotEqual(0, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"daxplug: '{tmp.Path}' is a directory without sys/devices/system/memory (a sysroot, as lsmem --sysroot takes)\n", stderr);
    }

    private static void AssertSameLsmem(string sysroot)
    {
        var (hostExit, expected, hostErr) = CliRunner.RunProgram("sh", ["-c", Script($" --sysroot '{sysroot}'")], TimeSpan.FromMinutes(1));
        Assert.True(hostExit == 0, hostErr);
        var (exit, actual, stderr) = CliRunner.Run("sim", "--machine", sysroot, "exec", "--", "sh", "-c", Script(""));
        Assert.True(exit == 0, stderr);
        Assert.Equal(expected, actual);
        Assert.Equal(OptionSets.Length, actual.Split('\n').Count(l => l.StartsWith("$ lsmem", StringComparison.Ordinal)));
    }
}
