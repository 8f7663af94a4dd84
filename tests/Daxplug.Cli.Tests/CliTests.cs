using Daxplug.Kernel;

namespace Daxplug.Cli.Tests;

/// <summary>The sim verbs through the real command line.</summary>
public class CliTests
{
    [Fact]
    public void SimShow_Default_ShowsNodesBlocksAndTiers()
    {
        var (exit, stdout, _) = CliRunner.Run("sim", "show");
        Assert.Equal(0, exit);
        Assert.Contains("machine default, kernel 7.3, block size 128M", stdout);
        Assert.Contains("0x0000000100000000-0x000000047fffffff    14G  online   32-143        0  Normal", stdout);
        Assert.Contains("0x0000000480000000-0x000000087fffffff    16G  online   144-271       1  Normal", stdout);
        Assert.Contains("memory_tier4", stdout);
    }

    [Fact]
    public void SimCat_PrintsAttributeAndListsDirectory()
    {
        Assert.Equal((0, "8000000\n", ""), CliRunner.Run("sim", "cat", "/sys/devices/system/memory/block_size_bytes"));
        var (exit, stdout, _) = CliRunner.Run("sim", "cat", "/sys/devices/system/memory/memory40");
        Assert.Equal(0, exit);
        string[] expected = ["node0", "online", "phys_device", "phys_index", "power", "removable", "state", "subsystem", "uevent", "valid_zones"];
        Assert.Equal(expected, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SimWrite_Error_IsOneLineWithErrnoAndExit1()
    {
        var (exit, stdout, stderr) = CliRunner.Run("sim", "write", "/sys/devices/system/memory/memory40/state", "bogus");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal("daxplug: write /sys/devices/system/memory/memory40/state: Invalid argument (EINVAL)\n", stderr);
        Assert.Equal(1, CliRunner.Run("sim", "write", "/sys/devices/system/memory/memory40/valid_zones", "x").Exit);
        Assert.Contains("Permission denied (EACCES)", CliRunner.Run("sim", "write", "/sys/devices/system/memory/memory40/valid_zones", "x").Err);
        Assert.Contains("No such file or directory (ENOENT)", CliRunner.Run("sim", "cat", "/sys/nope").Err);
    }

    [Fact]
    public void SimWrite_WithState_PersistsBetweenInvocations()
    {
        using var tmp = new TempDir();
        var state = Path.Combine(tmp.Path, "k.json");
        Assert.Equal(0, CliRunner.Run("sim", "--state", state, "write", "/sys/devices/system/memory/memory268/state", "offline").Exit);
        Assert.Equal("Normal Movable\n", CliRunner.Run("sim", "--state", state, "cat", "/sys/devices/system/memory/memory268/valid_zones").Out);
        Assert.Equal(0, CliRunner.Run("sim", "--state", state, "write", "/sys/devices/system/memory/memory268/state", "online_movable").Exit);
        Assert.Equal("Movable\n", CliRunner.Run("sim", "--state", state, "cat", "/sys/devices/system/memory/memory268/valid_zones").Out);
        Assert.Equal("Normal\n", CliRunner.Run("sim", "cat", "/sys/devices/system/memory/memory268/valid_zones").Out);
    }

    [Theory]
    [InlineData("sim", "show", "--machine", "nope")]
    [InlineData("sim", "show", "--kernel", "v9")]
    [InlineData("sim", "frobnicate")]
    [InlineData("sim", "dump")]
    public void BadUsage_IsOneLineAndExit2(params string[] args)
    {
        var (exit, _, stderr) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.StartsWith("daxplug: ", stderr);
        Assert.Equal(1, stderr.Count(c => c == '\n'));
    }

    [Fact]
    public void SimDump_Host_IsByteIdenticalToThisMachine()
    {
        using var tmp = new TempDir();
        var (exit, stdout, stderr) = CliRunner.Run("sim", "dump", "--machine", "host", "--out", tmp.Path);
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("wrote ", stdout);
        HostComparison.AssertMatchesHost(tmp.Path);
    }

    [Fact]
    public void SimCat_DaxAttributeOnDefault_AndDumpHasTheDaxTree()
    {
        // Linux 7.3 by default; a revision of the series by name.
        Assert.Equal((0, "offline\n", ""), CliRunner.Run("sim", "cat", "/sys/bus/dax/devices/dax0.0/state"));
        Assert.Equal((0, "offline\n", ""), CliRunner.Run("sim", "--kernel", "hotplug", "cat", "/sys/bus/dax/devices/dax0.0/hotplug"));
        Assert.Equal((1, "", "daxplug: cat /sys/bus/dax/devices/dax0.0/state: No such file or directory (ENOENT)\n"),
            CliRunner.Run("sim", "--kernel", "6.18", "cat", "/sys/bus/dax/devices/dax0.0/state"));
        // No Soft Reserved parent in /proc/iomem from 7.0; 6.18 nests the device in it.
        Assert.Contains("\n1000000000-17ffffffff : dax0.0\n", CliRunner.Run("sim", "cat", "/proc/iomem").Out);
        Assert.Contains("  1000000000-17ffffffff : dax0.0\n", CliRunner.Run("sim", "--kernel", "6.18", "cat", "/proc/iomem").Out);
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("sim", "dump", "--out", tmp.Path).Exit);
        Assert.Equal("offline\n", File.ReadAllText(Path.Combine(tmp.Path, "sys/devices/platform/hmem_platform.0/hmem.1/dax1.0/state")));
        Assert.Equal("0x2400000000\n", File.ReadAllText(Path.Combine(tmp.Path, "sys/bus/dax/devices/dax1.0/mapping1/start")));
        Assert.Equal("../../../devices/platform/hmem_platform.0/hmem.0/dax0.0", new FileInfo(Path.Combine(tmp.Path, "sys/bus/dax/devices/dax0.0")).LinkTarget);
        Assert.Equal(UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tmp.Path, "sys/bus/dax/drivers/kmem/bind")));
    }

    [Fact]
    public void SimWrite_DaxAttribute_PersistsWithState()
    {
        using var tmp = new TempDir();
        var state = Path.Combine(tmp.Path, "k.json");
        Assert.Equal(0, CliRunner.Run("sim", "--state", state, "write", "/sys/bus/dax/devices/dax1.0/state", "unplugged").Exit);
        Assert.Equal(0, CliRunner.Run("sim", "--state", state, "write", "/sys/bus/dax/devices/dax1.0/state", "online_movable").Exit);
        var show = CliRunner.Run("sim", "--state", state, "show").Out;
        Assert.Contains("dax1.0   kmem         16G     3  online_movable", show);
        var busy = CliRunner.Run("sim", "--state", state, "write", "/sys/bus/dax/devices/dax1.0/state", "online");
        Assert.Equal((1, "daxplug: write /sys/bus/dax/devices/dax1.0/state: Device or resource busy (EBUSY)\n"), (busy.Exit, busy.Err));
        var other = CliRunner.Run("sim", "--state", state, "--kernel", "hotplug", "show");
        Assert.Equal((2, $"daxplug: {state} holds a simulated 7.3 kernel; --kernel hotplug applies to a new one (remove the file, or use another)\n"), (other.Exit, other.Err));
    }

    [Fact]
    public void SimDump_RefusesNonEmptyTarget()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("sim", "dump", "--out", tmp.Path).Exit);
        var (exit, _, stderr) = CliRunner.Run("sim", "dump", "--out", tmp.Path);
        Assert.Equal(1, exit);
        Assert.Contains("exists and is not empty", stderr);
    }

    [Fact]
    public void SimMachine_PrintsJsonThatBootsTheSameMachine()
    {
        using var tmp = new TempDir();
        var (exit, json, _) = CliRunner.Run("sim", "machine");
        Assert.Equal(0, exit);
        var file = Path.Combine(tmp.Path, "m.json");
        File.WriteAllText(file, json);
        Assert.Equal(CliRunner.Run("sim", "show").Out, CliRunner.Run("sim", "show", "--machine", file).Out);
        File.WriteAllText(file, "{ \"nodes\": 3 }");
        var bad = CliRunner.Run("sim", "show", "--machine", file);
        Assert.Equal(1, bad.Exit);
        Assert.StartsWith($"daxplug: {file}:", bad.Err);
    }

    [Fact]
    public void SimSet_ChangesTheMachineBeforeBoot_AndRejectsBadFields()
    {
        var (exit, json, _) = CliRunner.Run("sim", "--machine", "qemu", "--set", "kernel=6.1", "--set", "unmovable=0x1000000-0x2ffffff,0x5000000-0x5ffffff", "machine");
        Assert.Equal(0, exit);
        Assert.Contains("\"kernel\": \"6.1\"", json);
        Assert.Contains("\"0x5000000-0x5ffffff\"", json);
        Assert.Contains("dax0.0", CliRunner.Run("sim", "--machine", "qemu", "--set", "kernel=6.1", "cat", "/sys/bus/dax/drivers/device_dax").Out.Split('\n'));
        Assert.DoesNotContain("dax0.0", CliRunner.Run("sim", "--machine", "qemu", "cat", "/sys/bus/dax/drivers/device_dax").Out.Split('\n'));

        foreach (var (set, message) in new[]
                 {
                     ("nosuch=1", "no such machine field"), ("daxMajor=abc", "is not a number"), ("movableNode=maybe", "is not true or false"),
                     ("kernel=six", "expected a release like 6.12"), ("nodes=1", "list of objects"), ("kernel", "expected FIELD=VALUE"),
                 })
        {
            var bad = CliRunner.Run("sim", "--set", set, "show");
            Assert.Equal(2, bad.Exit);
            Assert.StartsWith("daxplug: ", bad.Err);
            Assert.Contains(message, bad.Err);
            Assert.Single(bad.Err.Trim().Split('\n'));
        }
    }

    [Fact]
    public void LabMatrixJson_HasOneCellPerScenarioAndProfile_WithTheV3DefectsFound()
    {
        var (exit, json, err) = CliRunner.Run("lab", "matrix", "--json", "--schedules", "3");
        Assert.True(exit == 0, err);
        var cells = System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
        // A cell per scenario and each kernel it is about (all four, or 7.2 and v3 for per-block userland).
        var expected = Daxplug.Lab.Scenarios.BuiltinScenarios.All.SelectMany(s => KernelChoice.Lab.Where(k => s.AppliesTo(k.Abi))
            .Select(k => (s.Name, k.Name))).ToHashSet();
        Assert.Equal(expected, cells.Select(c => (c.GetProperty("scenario").GetString()!, c.GetProperty("kernel").GetString()!)).ToHashSet());
        Assert.Equal(expected.Count, cells.Count);
        Assert.DoesNotContain(("daxctl-devdax-vs-udev", "hotplug"), expected);
        foreach (var c in cells)
        {
            Assert.InRange(c.GetProperty("schedules").GetInt32(), 1, 3);
            Assert.Equal(System.Text.Json.JsonValueKind.Object, c.GetProperty("violations").ValueKind);
        }

        var cycle = cells.Single(c => c.GetProperty("scenario").GetString() == "device-cycle" && c.GetProperty("kernel").GetString() == "hotplug-v3");
        Assert.True(cycle.GetProperty("violations").GetProperty("false-success").GetInt32() >= 1);
        var atomic = cells.Single(c => c.GetProperty("scenario").GetString() == "device-cycle" && c.GetProperty("kernel").GetString() == "hotplug");
        Assert.Empty(atomic.GetProperty("violations").EnumerateObject());
    }

    [Fact]
    public void Blocks_OnASysroot_PrintsLsmemRuns_AndNamesWhatIsWrong()
    {
        using var tmp = new TempDir();
        var dump = CliRunner.Run("sim", "dump", "--out", tmp.Path);
        Assert.True(dump.Exit == 0, dump.Err);
        foreach (var form in new[] { new[] { "blocks" }, ["blocks", "dax1.0"], ["blocks", "-J", "dax1.0"], ["blocks", "--json"] })
        {
            var before = CliRunner.Run(["--sysroot", tmp.Path, .. form]);
            var after = CliRunner.Run([.. form, "--sysroot", tmp.Path]);
            Assert.True(before.Exit == 0, before.Err);
            Assert.Equal(before, after);
        }

        Assert.Contains("0x0000002000000000-0x00000021ffffffff    8G  offline  1024-1087      3", CliRunner.Run("--sysroot", tmp.Path, "blocks", "dax1.0").Out);
        var unknown = CliRunner.Run("--sysroot", tmp.Path, "blocks", "dax9.9");
        Assert.Equal((2, "", "daxplug: no dax device 'dax9.9'\n"), unknown);
        var notSysfs = CliRunner.Run("--sysroot", Path.Combine(tmp.Path, "sys"), "blocks");
        Assert.Equal(2, notSysfs.Exit);
        Assert.StartsWith($"daxplug: --sysroot {Path.Combine(tmp.Path, "sys")}: no sysfs with memory hotplug there", notSysfs.Err);
        Assert.Equal(2, CliRunner.Run("--sysroot", tmp.Path, "blocks", "dax1.0", "dax0.0").Exit);
        Assert.Equal((2, "", "daxplug: unknown option '-j' (put '--' before an argument that starts with '-') (see 'daxplug --help')\n"),
            CliRunner.Run("--sysroot", tmp.Path, "blocks", "-j"));
        Assert.Contains("Memory blocks as lsmem shows them", CliRunner.Run("blocks", "--help").Out);
    }

    [Fact]
    public void LabRun_OnAProfileTheScenarioIsNotAbout_RunsAndSaysSo()
    {
        var (exit, stdout, err) = CliRunner.Run("lab", "run", "--kernel", "7.3", "-s", "rebind-vs-udev-vs-kdump", "--schedules", "3");
        Assert.True(exit is 0 or 1, err);
        Assert.StartsWith("note: rebind-vs-udev-vs-kdump is about 7.2, hotplug-v3; its agents do not use 7.3's attribute\n", stdout);
        Assert.Contains("rebind-vs-udev-vs-kdump on 7.3: 3 random schedules", stdout);
        Assert.DoesNotContain("note:", CliRunner.Run("lab", "run", "--kernel", "7.2", "-s", "rebind-vs-udev-vs-kdump", "--schedules", "1").Out);
    }

    [Fact]
    public void LabRun_BadStrategyOrCount_IsAUsageError()
    {
        Assert.Equal(2, CliRunner.Run("lab", "run", "-s", "device-cycle", "--strategy", "bogus").Exit);
        var zero = CliRunner.Run("lab", "run", "-s", "device-cycle", "--schedules", "0");
        Assert.Equal(2, zero.Exit);
        Assert.Contains("at least 1", zero.Err);
        var dfs = CliRunner.Run("lab", "run", "-s", "device-cycle", "--kernel", "7.3", "--strategy", "dfs", "--schedules", "50");
        Assert.Equal(0, dfs.Exit);
        Assert.Contains("every schedule within the bound", dfs.Out);
        var noJobs = CliRunner.Run("lab", "matrix", "--schedules", "1", "--jobs", "0");
        Assert.Equal(2, noJobs.Exit);
        Assert.Equal("daxplug: --jobs: '0' is not a whole number of at least 1 (see 'daxplug --help')\n", noJobs.Err);
        var typed = CliRunner.Run("lab", "run", "-s", "device-cycle", "--seed", "x");
        Assert.Equal((2, "daxplug: --seed: 'x' is not a whole number of at least 0 (see 'daxplug --help')\n"), (typed.Exit, typed.Err));
        Assert.DoesNotContain("System.", typed.Err);
        var scenario = CliRunner.Run("lab", "run", "-s", "nope");
        Assert.Equal(2, scenario.Exit);
        Assert.Contains("'unplug-vs-udev-vs-kdump'", scenario.Err);
    }

    [Fact]
    public void List_PrintsItsTableIntoAPipe_AndJsonOnlyWhenAsked()
    {
        using var tmp = new TempDir();
        var table = CliRunner.Run("--sim", "--state-dir", tmp.Path, "list");
        Assert.StartsWith("DEVICE   MODE", table.Out);
        using var json = System.Text.Json.JsonDocument.Parse(CliRunner.Run("--sim", "--state-dir", tmp.Path, "list", "-J").Out);
        Assert.Equal("dax0.0", json.RootElement[0].GetProperty("chardev").GetString());
        Assert.Equal(CliRunner.Run("list", "--json", "--sim", "--state-dir", tmp.Path), CliRunner.Run("--sim", "--state-dir", tmp.Path, "list", "--json"));
    }

    [Fact]
    public void UnknownVerbsAndOptions_AreNamedAsSuch()
    {
        Assert.Equal((2, "", "daxplug: unknown command 'bogus' (see 'daxplug --help')\n"), CliRunner.Run("bogus"));
        Assert.Equal((2, "", "daxplug: --sim applies to the controller verbs, not to 'lab' (see 'daxplug --help')\n"), CliRunner.Run("--sim", "lab", "matrix"));
        var offline = CliRunner.Run("--sim", "set", "dax1.0", "offline");
        Assert.Equal(2, offline.Exit);
        Assert.Contains("'offline' is not a target (one of: unplugged, online, online_kernel, online_movable)", offline.Err);
    }

    [Fact]
    public void Completion_OffersDevicesStatesMachinesAndScenarios_NotHelpAliases()
    {
        using var tmp = new TempDir();
        string[] Suggest(string line) => CliRunner.Run($"[suggest:{line.Length}]", line).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["dax0.0", "dax1.0", "online", "online_kernel", "online_movable", "unplugged"],
            Suggest($"daxplug --sim --state-dir {tmp.Path} set ").Where(s => !s.StartsWith('-')).Order());
        Assert.Contains("tib", Suggest("daxplug --machine "));
        Assert.Contains("device-cycle", Suggest("daxplug lab run -s "));
        Assert.Contains("hotplug-v3", Suggest("daxplug sim --kernel "));
        Assert.DoesNotContain("-?", Suggest("daxplug list -"));
        Assert.DoesNotContain("/h", Suggest("daxplug list -"));
    }

    [Fact]
    public void LabRun_OnTwoThreads_PrintsWhatOneThreadPrints()
    {
        // Everything but the first line (it gives the time taken).
        static string Body(string output) => output[(output.IndexOf('\n') + 1)..];
        var one = CliRunner.Run("lab", "run", "--kernel", "7.2", "-s", "unplug-vs-udev-vs-kdump", "--schedules", "300", "-j", "1");
        var two = CliRunner.Run("lab", "run", "--kernel", "7.2", "-s", "unplug-vs-udev-vs-kdump", "--schedules", "300", "-j", "3");
        Assert.Equal(one.Exit, two.Exit);
        Assert.Contains("split:", one.Out);
        Assert.Equal(Body(one.Out), Body(two.Out));
    }
}
