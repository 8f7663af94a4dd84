namespace Daxplug.Cli.Tests;

/// <summary>The controller verbs through the real command line: bad files, concurrent processes, confirmation.</summary>
public class ControlCliTests
{
    private static (int Exit, string Out, string Err) Sim(string stateDir, params string[] args) =>
        CliRunner.Run(["--sim", "--state-dir", stateDir, .. args]);

    // A bad file: exit 1 (or 2), one line on stderr that starts with the file and a position, the file unchanged.
    private static void AssertReportedAndKept((int Exit, string Out, string Err) run, string file, int exit = 1)
    {
        var before = File.ReadAllBytes(file);
        Assert.True(run.Exit == exit, $"exit {run.Exit}: {run.Err}");
        Assert.Matches($"^daxplug: {System.Text.RegularExpressions.Regex.Escape(file)}(:[0-9]+(:[0-9]+)?)?: [^\\n]+\\n$", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.Equal(before, File.ReadAllBytes(file));
    }

    public static TheoryData<string> BadJson => ["", "{\"machine\":", "garbage\n", "null", "[1, 2]", "{\"abi\": \"hotplug\", \"writes\": [], \"extra\": 1}"];

    [Theory]
    [MemberData(nameof(BadJson))]
    [InlineData("{\"machine\": {\"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": [\"0x0-0x7ffffff\"]}]}, \"abi\": \"nope\", \"writes\": []}")]
    public void ABadSimState_IsReported_ByEveryVerb_AndKept(string text)
    {
        using var tmp = new TempDir();
        var file = Path.Combine(tmp.Path, "sim-default.json");
        File.WriteAllText(file, text);
        foreach (var verb in new[] { new[] { "list" }, ["set", "dax1.0", "online_movable"], ["recover"], ["blocks", "dax1.0"] })
        {
            var run = Sim(tmp.Path, verb);
            File.WriteAllText(file, text); // (AssertReportedAndKept compares with what is there now)
            AssertReportedAndKept(run, file);
        }
    }

    [Theory]
    [MemberData(nameof(BadJson))]
    [InlineData("{\"sysfs\": \"model:default\", \"device\": \"dax1.0\", \"target\": \"online_movable\", \"started\": \"2026-12-03T00:00:00Z\", \"blocks\": [{\"id\": 1024, \"online\": true}]}")]
    [InlineData("{\"sysfs\": \"model:default\", \"device\": \"../x\", \"target\": \"online\", \"started\": \"2026-12-03T00:00:00Z\", \"blocks\": []}")]
    public void ABadJournal_BlocksSetAndRecover_ListSaysSo_AndItIsKept(string text)
    {
        using var tmp = new TempDir();
        Assert.Equal(0, Sim(tmp.Path, "list").Exit);
        var file = Path.Combine(tmp.Path, $"transaction-{Daxplug.Control.Files.FileNames.Unique("model_default", "model:default")}.json");
        File.WriteAllText(file, text);
        var list = Sim(tmp.Path, "list");
        Assert.Equal(0, list.Exit);
        Assert.StartsWith($"daxplug: {file}", list.Err);
        foreach (var verb in new[] { new[] { "set", "dax1.0", "online_movable" }, ["recover"], ["set", "dax0.0", "online", "--recover"] })
        {
            var run = Sim(tmp.Path, verb);
            Assert.Equal(1, run.Exit);
            Assert.StartsWith($"daxplug: {file}", run.Err);
            Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
            Assert.Equal(text, File.ReadAllText(file));
        }

        Assert.Contains("offline", Sim(tmp.Path, "list", "dax1.0").Out);
        var doctor = Sim(tmp.Path, "doctor", "--sysroot", tmp.Path);
        Assert.Equal(1, doctor.Exit);
        Assert.Contains("fix: check the devices ('daxplug list'), then remove the journal by hand", doctor.Out);
    }

    [Fact]
    public void AStateFileThatIsADirectory_IsReportedBeforeAnythingRuns()
    {
        using var tmp = new TempDir();
        var dir = Directory.CreateDirectory(Path.Combine(tmp.Path, "sim-default.json")).FullName;
        foreach (var verb in new[] { new[] { "set", "dax1.0", "online_movable" }, ["list"] })
        {
            var run = Sim(tmp.Path, verb);
            Assert.Equal((1, "", $"daxplug: {dir}: is a directory, not a saved kernel\n"), (run.Exit, run.Out, run.Err));
        }
    }

    [Fact]
    public async Task TwoSimStateWritesAtOnce_LoseNothing()
    {
        for (int round = 0; round < 6; round++)
        {
            using var tmp = new TempDir();
            var state = Path.Combine(tmp.Path, "k.json");
            var a = Task.Run(() => CliRunner.Run("sim", "--state", state, "write", "/sys/bus/dax/devices/dax0.0/state", "unplugged"));
            var b = Task.Run(() => CliRunner.Run("sim", "--state", state, "write", "/sys/bus/dax/devices/dax1.0/state", "unplugged"));
            Assert.Equal((0, 0), ((await a).Exit, (await b).Exit));
            Assert.Equal("unplugged\n", CliRunner.Run("sim", "--state", state, "cat", "/sys/bus/dax/devices/dax0.0/state").Out);
            Assert.Equal("unplugged\n", CliRunner.Run("sim", "--state", state, "cat", "/sys/bus/dax/devices/dax1.0/state").Out);
        }
    }

    [Theory]
    [InlineData("[device]\nsize = 99999999999999999999\nstate = online\n", 2)]
    [InlineData("[device]\nname = dax0.0\nmode = devdax\nstate = online_movable\n", 4)]
    [InlineData("[device]\nregion = x\nstate = online\n", 2)]
    [InlineData("[device]\nstate = online\nstate = online_movable\n", 3)]
    [InlineData("[device]\nname = dax1.0\n", 1)]
    [InlineData("state = online\n", 1)]
    public void ABadPolicy_NamesTheOffendingLine(string text, int line)
    {
        using var tmp = new TempDir();
        var file = Path.Combine(tmp.Path, "p.conf");
        File.WriteAllText(file, text);
        var run = Sim(tmp.Path, "apply", "-c", file, "--daxctl-conf", tmp.Path);
        AssertReportedAndKept(run, file);
        Assert.StartsWith($"daxplug: {file}:{line}: ", run.Err);
    }

    [Fact]
    public void ABadDaxctlConf_NamesTheFileAndLine()
    {
        using var tmp = new TempDir();
        var conf = Directory.CreateDirectory(Path.Combine(tmp.Path, "daxctl.conf.d")).FullName;
        var file = Path.Combine(conf, "dax.conf");
        File.WriteAllText(file, "[reconfigure-device cxl0]\nmode = system-ram\nonline = maybe\n");
        var policy = Path.Combine(tmp.Path, "p.conf");
        File.WriteAllText(policy, "[device]\nname = dax1.0\nstate = online_movable\n");
        var run = Sim(tmp.Path, "apply", "-c", policy, "--daxctl-conf", conf);
        AssertReportedAndKept(run, file);
        Assert.StartsWith($"daxplug: {file}:3: online must be true or false", run.Err);
    }

    [Theory]
    [MemberData(nameof(BadJson))]
    [InlineData("{\"name\": \"x\", \"nodes\": 5}")]
    [InlineData("{\"name\": \"x\", \"nodes\": [], \"blockSize\": \"0x8000000\"}")]
    [InlineData("{\"name\": \"x\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": [\"0x0-0x7ffffff\"]}], \"blockSize\": \"huge\"}")]
    [InlineData("{\"name\": \"x\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": [\"0x0-0x7ffffff\"]}], \"blockSize\": \"99999999999T\"}")]
    [InlineData("{\"name\": \"x\", \"nodes\": null}")]
    [InlineData("{\"name\": \"x\", \"blockSize\": null, \"nodes\": []}")]
    public void ABadMachineFile_IsReported_BySimAndByDashDashSim(string text)
    {
        using var tmp = new TempDir();
        var file = Path.Combine(tmp.Path, "m.json");
        File.WriteAllText(file, text);
        AssertReportedAndKept(CliRunner.Run("sim", "--machine", file, "show"), file);
        AssertReportedAndKept(CliRunner.Run("--machine", file, "--state-dir", tmp.Path, "list"), file);
    }

    [Theory]
    [MemberData(nameof(BadJson))]
    [InlineData("{\"scenario\": \"device-cycle\", \"abi\": \"hotplug\", \"seed\": 0, \"choices\": [0, 7]}")]
    [InlineData("{\"scenario\": \"nope\", \"abi\": \"hotplug\", \"seed\": 0, \"choices\": [0]}")]
    [InlineData("{\"scenario\": \"device-cycle\", \"abi\": \"v9\", \"seed\": 0, \"choices\": [0]}")]
    [InlineData("{\"scenario\": \"device-cycle\", \"abi\": \"hotplug\", \"seed\": 0, \"choices\": [0]}")]
    [InlineData("{\"scenario\": \"unplug-vs-udev\", \"abi\": \"mainline\", \"seed\": 0, \"choices\": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}")]
    public void ABadOrTruncatedSchedule_IsNotReplayed(string text)
    {
        using var tmp = new TempDir();
        var file = Path.Combine(tmp.Path, "t.json");
        File.WriteAllText(file, text);
        foreach (var verb in new[] { new[] { "lab", "replay", file }, ["lab", "svg", file, "-o", Path.Combine(tmp.Path, "t.svg")] })
        {
            var run = CliRunner.Run(verb);
            AssertReportedAndKept(run, file);
        }

        Assert.False(File.Exists(Path.Combine(tmp.Path, "t.svg")));
    }

    [Fact]
    public void AGoodSchedule_StillReplays()
    {
        using var tmp = new TempDir();
        var run = CliRunner.Run("lab", "run", "--kernel", "hotplug-v3", "-s", "device-cycle", "--schedules", "1", "--save", tmp.Path);
        Assert.Equal(1, run.Exit);
        var saved = Directory.GetFiles(tmp.Path, "*.json").Single();
        var replay = CliRunner.Run("lab", "replay", saved);
        Assert.Equal(1, replay.Exit);
        Assert.Contains("violation at step", replay.Out);
        Assert.Equal("", replay.Err);
    }

    [Fact]
    public void SetOutOfRange_IsAUsageError()
    {
        var run = CliRunner.Run("sim", "--set", "autoMovableRatio=-5", "show");
        Assert.Equal((2, "daxplug: --set autoMovableRatio: '-5' is out of range for this field\n"), (run.Exit, run.Err));
    }

    [Fact]
    public async Task TwoSimSetsAtOnce_LoseNothing()
    {
        const int rounds = 12;
        for (int round = 0; round < rounds; round++)
        {
            using var tmp = new TempDir();
            var a = Task.Run(() => Sim(tmp.Path, "set", "dax0.0", "online_movable"));
            var b = Task.Run(() => Sim(tmp.Path, "set", "dax1.0", "online_movable"));
            var (ra, rb) = (await a, await b);
            Assert.Equal((0, "dax0.0: offline -> online_movable\n"), (ra.Exit, ra.Out));
            Assert.Equal((0, "dax1.0: offline -> online_movable\n"), (rb.Exit, rb.Out));
            Assert.Equal(["dax0.0 online_movable 256/256", "dax1.0 online_movable 128/128"], Devices(tmp.Path));
        }
    }

    [Fact]
    public void SimOfAMachineFile_DoesNotShareTheBuiltinsState()
    {
        using var tmp = new TempDir();
        var file = Path.Combine(tmp.Path, "default.json");
        Assert.Equal(0, CliRunner.Run("sim", "machine", "--machine", "default").Exit);
        File.WriteAllText(file, CliRunner.Run("sim", "machine").Out);
        Assert.Equal(0, Sim(tmp.Path, "set", "dax1.0", "online_movable").Exit);
        Assert.Equal(["dax0.0 offline 0/256", "dax1.0 online_movable 128/128"], Devices(tmp.Path));
        var other = CliRunner.Run("--machine", file, "--state-dir", tmp.Path, "list", "--json");
        Assert.Equal(0, other.Out.Split("\"online_memblocks\": 128").Length - 1);
        Assert.Equal(2, Sim(tmp.Path, "--kernel", "7.2", "list").Exit);
    }

    // "NAME STATE ONLINE/TOTAL" of each device of a --sim state, from list's JSON.
    private static List<string> Devices(string stateDir)
    {
        using var json = System.Text.Json.JsonDocument.Parse(Sim(stateDir, "list", "--json").Out);
        return json.RootElement.EnumerateArray().Select(d =>
            $"{d.GetProperty("chardev").GetString()} {d.GetProperty("attribute_state").GetString()} {d.GetProperty("online_memblocks").GetInt32()}/{d.GetProperty("total_memblocks").GetInt32()}").ToList();
    }

    [Fact]
    public void SetEmptyDevice_IsAUsageError()
    {
        using var tmp = new TempDir();
        var run = Sim(tmp.Path, "set", "", "online");
        Assert.Equal(2, run.Exit);
        Assert.Equal("daxplug: '' is not a dax device name (daxR.N, e.g. dax0.0)\n", run.Err);
    }

    [Theory]
    [InlineData("link")]
    [InlineData("/sys/..")]
    [InlineData("/usr/..")]
    public void ThisMachinesSysfs_ByAnyPath_NeedsConfirmation(string root)
    {
        // Exits at the confirmation, before any look at a device: nothing is read for writing, nothing written.
        using var tmp = new TempDir();
        if (root == "link")
        {
            root = Path.Combine(tmp.Path, "s");
            Directory.CreateSymbolicLink(root, "/");
        }

        var run = CliRunner.Run("--sysroot", root, "--state-dir", tmp.Path, "set", "dax9.9", "online");
        Assert.Equal((2, "daxplug: set dax9.9 online would write this machine's /sys; add --yes to confirm\n"), (run.Exit, run.Err));
        Assert.False(File.Exists(Path.Combine(tmp.Path, "transaction.json")));
    }

    [Fact]
    public void NoTerminalEscapes_OnAnyStream()
    {
        // script(1) gives the commands a terminal on all three streams.
        using var tmp = new TempDir();
        var (_, stdout, stderr) = CliRunner.RunProgram("script", ["-qec", $"{CliRunner.Command} sim cat /sys/devices/system/memory/block_size_bytes; {CliRunner.Command} --sim --state-dir {tmp.Path} set nope online; {CliRunner.Command} set --help", "/dev/null"], TimeSpan.FromMinutes(2));
        Assert.Contains("8000000", stdout);
        Assert.Contains("'nope' is not a dax device name", stdout);
        Assert.Contains("Move a whole device to a state", stdout);
        Assert.DoesNotContain("\u001b", stdout + stderr);
    }
}
