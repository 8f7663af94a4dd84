using Daxplug.Control.Discovery;
using Daxplug.Control.Doctor;
using Daxplug.Control.Transitions;
using Daxplug.Kernel;

namespace Daxplug.Control.Tests;

public sealed class DoctorAndReconfigureTests : IDisposable
{
    private readonly TempDir tmp = new();

    public void Dispose() => tmp.Dispose();

    private string Root(params (string Path, string Text)[] files)
    {
        var root = Path.Combine(tmp.Path, "root");
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        Directory.CreateDirectory(root);
        return root;
    }

    [Fact]
    public void Doctor_FindsRhelStyleRules_PolicyAndDaxctlConfig()
    {
        var root = Root(
            ("usr/lib/udev/rules.d/40-redhat.rules", """
                # Memory hotadd request
                SUBSYSTEM!="memory", GOTO="memory_hotplug_end"
                ACTION!="add", GOTO="memory_hotplug_end"
                ENV{.state}="online"
                ATTR{state}=="offline", ATTR{state}="$env{.state}"
                LABEL="memory_hotplug_end"
                """),
            ("lib/udev/rules.d/80-hotplug-cpu-mem.rules", "SUBSYSTEM==\"memory\", ACTION==\"add\", ATTR{state}==\"offline\", ATTR{state}=\"online\"\n"),
            ("etc/udev/rules.d/80-hotplug-cpu-mem.rules", "# overridden: empty\n"),
            ("usr/lib/udev/rules.d/98-kexec.rules", "SUBSYSTEM==\"memory\", ACTION==\"online\", RUN+=\"/bin/systemctl try-restart kdump.service\"\n"),
            ("etc/daxctl.conf.d/dax.conf", "[reconfigure-device unique_identifier]\nnvdimm.uuid = 1\nmode = system-ram\n"),
            ("proc/cmdline", "BOOT_IMAGE=/vmlinuz memhp_default_state=online quiet\n"));
        var s = TestSysfs.Boot(AbiProfile.NoAttribute, "online_movable");
        var findings = Checkup.Run(s, root);
        Assert.Contains(findings, f => f.Severity == Severity.Warning && f.Where == "/usr/lib/udev/rules.d/40-redhat.rules:5");
        Assert.DoesNotContain(findings, f => f.Where.Contains("80-hotplug-cpu-mem", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Severity == Severity.Info && f.Where == "/usr/lib/udev/rules.d/98-kexec.rules:1");
        Assert.Contains(findings, f => f.Where == "/sys/devices/system/memory/auto_online_blocks" && f.What.Contains("online_movable", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Where == "/proc/cmdline" && f.What.Contains("memhp_default_state=online", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Where == "/etc/daxctl.conf.d/dax.conf:1");
        Assert.All(findings, f => Assert.False(string.IsNullOrEmpty(f.Fix)));
    }

    [Fact]
    public void Doctor_CleanMachine_FindsNothing()
    {
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        Assert.Empty(Checkup.Run(s, Root(("proc/cmdline", "quiet\n"))));
    }

    [Theory]
    [InlineData(AbiProfile.NoAttribute)]
    [InlineData(AbiProfile.Hotplug)]
    public void Reconfigure_RoundTrip_LikeDaxctl(AbiProfile abi)
    {
        var s = TestSysfs.Boot(abi);
        var c = new Controller(s, new StateDir(tmp.Path));
        var r = new Reconfigure(s, c);
        Assert.Equal(OutcomeCode.Done, c.Set("dax1.0", DeviceState.OnlineMovable).Code);
        Assert.Equal(OutcomeCode.RolledBack, r.ToDevdax("dax1.0", force: false).Code);
        Assert.Equal("online_movable", Discover.Device(s, "dax1.0")!.State.Name);

        Assert.Equal(OutcomeCode.Done, r.ToDevdax("dax1.0", force: true).Code);
        var dev = Discover.Device(s, "dax1.0")!;
        Assert.Equal(("device_dax", 0), (dev.Driver, dev.Blocks.Count));

        // Back as movable memory (in a kernel zone, the node's first block would keep its kswapd: no way back).
        var back = r.ToSystemRam("dax1.0", online: true, movable: true, force: false);
        Assert.True(back.Code == OutcomeCode.Done, back.Message);
        dev = Discover.Device(s, "dax1.0")!;
        Assert.Equal("kmem", dev.Driver);
        Assert.Equal(128, dev.OnlineBlocks);
        Assert.DoesNotContain("Normal", dev.Zones);

        Assert.Equal(OutcomeCode.Done, r.ToDevdax("dax1.0", force: true).Code);
        s.Poke("/sys/devices/system/memory/auto_online_blocks", "online");
        var refused = r.ToSystemRam("dax1.0", online: false, movable: true, force: false);
        Assert.Equal(OutcomeCode.RolledBack, refused.Code);
        Assert.Contains("kernel policy (online)", refused.Message);
        Assert.Equal("device_dax", Discover.Device(s, "dax1.0")!.Driver);
        Assert.Empty(Invariants.Check(s.Kernel));
    }

    [Fact]
    public void Reconfigure_ToSystemRamAfterALeak_RestoresDevdaxOrSaysWhere()
    {
        // Mainline: a kmem unbind with an online block leaks the range; kmem cannot bind again until reboot.
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        s.Poke("/sys/devices/system/memory/memory1030/state", "online_movable");
        s.Poke("/sys/bus/dax/drivers/kmem/remove_id", "dax1.0");
        s.Poke("/sys/bus/dax/drivers/kmem/unbind", "dax1.0");
        var r = new Reconfigure(s, new Controller(s, new StateDir(tmp.Path)));
        var outcome = r.ToSystemRam("dax1.0", online: true, movable: true, force: false);
        Assert.NotEqual(OutcomeCode.Done, outcome.Code);
        Assert.Contains("did not bind", outcome.Message);
    }
}
