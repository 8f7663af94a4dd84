using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;
using static Daxplug.TestKit.TestKernel;

namespace Daxplug.Kernel.Tests;

/// <summary>kmem probe/remove and the atomic attribute in each ABI profile (docs/kernel-abi.md §2.6, §6).</summary>
public class KmemProfileTests
{
    private const string Kmem = "/sys/bus/dax/drivers/kmem";
    private const string Dev1 = "/sys/bus/dax/devices/dax1.0";

    // dax1.0: mapping0 = blocks 1024..1087, mapping1 = blocks 1152..1215.
    private static readonly long[] Dax1Blocks = [.. Enumerable.Range(1024, 64).Select(i => (long)i), .. Enumerable.Range(1152, 64).Select(i => (long)i)];

    /// <summary>The default machine, booted with a policy under which v3 devices come up online.</summary>
    private static KernelModel Machine(AbiProfile abi, string bootPolicy = "offline")
    {
        var spec = BuiltinMachines.Load("default");
        spec.AutoOnlineBlocks = bootPolicy;
        spec.Kernel = TestKernel.Release;
        return MachineBuilder.Build(spec, abi);
    }

    private static string Attr(AbiProfile abi) => abi == AbiProfile.StateV7 ? $"{Dev1}/state" : $"{Dev1}/hotplug";

    private static string Unplug(AbiProfile abi) => abi == AbiProfile.StateV7 ? "unplugged" : "unplug";

    private static List<string> Snapshot(KernelModel k) => Dax1Blocks.Select(b =>
        k.Blocks.Find(b) is null ? $"{b}:absent" : $"{b}:{k.State(b)}/{k.Zones(b)}").ToList();

    /// <summary>Brings dax1.0 online movable through its attribute (v3 is already online from boot).</summary>
    private static KernelModel OnlineMovableDax1(AbiProfile abi)
    {
        var k = Machine(abi, abi == AbiProfile.HotplugV3 ? "online_movable" : "offline");
        if (abi == AbiProfile.StateV7)
        {
            Assert.Equal(Errno.None, k.Echo(Attr(abi), "unplugged"));
        }

        if (abi != AbiProfile.HotplugV3)
        {
            Assert.Equal(Errno.None, k.Echo(Attr(abi), "online_movable\n"));
        }

        Assert.Equal("online_movable\n", k.Cat(Attr(abi)));
        Assert.All(Dax1Blocks, b => Assert.Equal("Movable", k.Zones(b)));
        return k;
    }

    [Fact]
    public void Mainline_HasNoAttribute()
    {
        var k = Machine(AbiProfile.NoAttribute);
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read($"{Dev1}/hotplug", out _));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read($"{Dev1}/state", out _));
        Assert.Equal("offline", k.State(1024));
    }

    [Fact]
    public void Mainline_UnbindWithOnlineBlock_LeaksAndEveryRebindIsEbusy()
    {
        var k = Machine(AbiProfile.NoAttribute);
        Assert.Equal(Errno.None, k.Echo("/sys/devices/system/memory/memory1030/state", "online_movable"));
        Assert.Equal(Errno.None, k.Echo($"{Kmem}/unbind", "dax1.0"));
        Assert.Contains(k.Log.Records, r => r.Text == "removing memory fails, because memory [0x0000002030000000-0x0000002037ffffff] is onlined");
        Assert.Contains(k.Log.Records, r => r.Text == "kmem dax1.0: mapping0: 0x2000000000-0x21ffffffff cannot be hotremoved until the next reboot");
        // mapping1 had no online block: it is removed; mapping0 stays, blocks and all.
        Assert.Equal(64, Dax1Blocks.Count(b => k.Blocks.Find(b) is not null));
        Assert.Contains("  2000000000-21ffffffff : dax1.0\n    2000000000-21ffffffff : System RAM (kmem)\n", k.Iomem.Format());
        Assert.True(k.KmemDriver.AnyHotremoveFailed);
        k.AssertConsistent();

        Assert.Equal(Errno.EBUSY, k.Echo($"{Kmem}/bind", "dax1.0"));
        Assert.Contains(k.Log.Records, r => r.Text == "kmem dax1.0: mapping0: 0x2000000000-0x21ffffffff could not reserve region");
        Assert.Contains(k.Log.Records, r => r.Text == "kmem dax1.0: probe with driver kmem failed with error -16");
        Assert.Equal(Errno.None, k.Echo("/sys/devices/system/memory/memory1030/state", "offline"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{Kmem}/bind", "dax1.0"));
        Assert.Equal(Errno.None, k.Echo($"{Kmem}/remove_id", "dax1.0"));
        Assert.Equal(Errno.ENODEV, k.Echo("/sys/bus/dax/drivers/device_dax/bind", "dax1.0"));
        k.AssertConsistent();
    }

    [Fact]
    public void Mainline_CleanUnbindAndRebindWithPolicy()
    {
        var k = Machine(AbiProfile.NoAttribute);
        Assert.Equal(Errno.None, k.Echo($"{Kmem}/unbind", "dax1.0"));
        Assert.All(Dax1Blocks, b => Assert.Null(k.Blocks.Find(b)));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/devices/system/node/node3/cpulist", out _));
        Assert.Contains("2000000000-27ffffffff : Soft Reserved\n2", k.Iomem.Format() + "2");
        Assert.Equal(Errno.None, k.Echo("/sys/devices/system/memory/auto_online_blocks", "online_movable"));
        Assert.Equal(Errno.None, k.Echo($"{Kmem}/bind", "dax1.0"));
        Assert.All(Dax1Blocks, b => Assert.Equal("Movable", k.Zones(b)));
        Assert.Equal("3\n", k.Cat("/sys/devices/virtual/memory_tiering/memory_tier22/nodelist"));
        k.AssertConsistent();
    }

    [Theory]
    [InlineData(AbiProfile.Hotplug)]
    [InlineData(AbiProfile.StateV7)]
    public void Unplug_UnmovableBlockInSecondRange_FailsAndRestoresBothRanges(AbiProfile abi)
    {
        var k = OnlineMovableDax1(abi);
        var before = Snapshot(k);
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory1160/unmovable", "1"));
        Assert.Equal(Errno.EBUSY, k.Echo(Attr(abi), Unplug(abi)));
        Assert.Equal(before, Snapshot(k));
        Assert.Equal("online_movable\n", k.Cat(Attr(abi)));
        Assert.Contains("  2400000000-25ffffffff : dax1.0\n", k.Iomem.Format());
        k.AssertConsistent();

        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory1160/unmovable", "0"));
        Assert.Equal(Errno.None, k.Echo(Attr(abi), Unplug(abi)));
        Assert.Equal("unplugged\n", k.Cat(Attr(abi)));
        Assert.All(Dax1Blocks, b => Assert.Null(k.Blocks.Find(b)));
        Assert.DoesNotContain("dax1.0", k.Iomem.Format());
        k.AssertConsistent();
    }

    [Fact]
    public void V3_Unplug_UnmovableBlockInSecondRange_ReportsSuccessWithFirstRangeGone()
    {
        var k = OnlineMovableDax1(AbiProfile.HotplugV3);
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory1160/unmovable", "1"));
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/hotplug", "unplug"));
        Assert.Equal("online_movable\n", k.Cat($"{Dev1}/hotplug"));
        Assert.All(Dax1Blocks.Take(64), b => Assert.Null(k.Blocks.Find(b)));
        Assert.All(Dax1Blocks.Skip(64), b => Assert.Equal("online", k.State(b)));
        Assert.Contains(k.Log.Records, r => r.Text == "kmem dax1.0: partial hotremove: 1 of 2");
        k.AssertConsistent();
    }

    [Theory]
    [InlineData(AbiProfile.HotplugV3, false)]
    [InlineData(AbiProfile.Hotplug, true)]
    [InlineData(AbiProfile.StateV7, true)]
    public void UnplugAfterReonline_RemovesNothingOnlyInV3(AbiProfile abi, bool removes)
    {
        var k = OnlineMovableDax1(abi);
        Assert.Equal(Errno.None, k.Echo(Attr(abi), Unplug(abi)));
        Assert.Equal("unplugged\n", k.Cat(Attr(abi)));
        Assert.Equal(Errno.None, k.Echo(Attr(abi), "online_movable"));
        Assert.All(Dax1Blocks, b => Assert.Equal("online", k.State(b)));
        Assert.Equal(Errno.None, k.Echo(Attr(abi), Unplug(abi)));
        if (removes)
        {
            Assert.Equal("unplugged\n", k.Cat(Attr(abi)));
            Assert.All(Dax1Blocks, b => Assert.Null(k.Blocks.Find(b)));
        }
        else
        {
            Assert.Equal("online_movable\n", k.Cat(Attr(abi)));
            Assert.All(Dax1Blocks, b => Assert.Equal("online", k.State(b)));
            Assert.Contains(k.Log.Records, r => r.Text == "kmem dax1.0: partial hotremove: 0 of 2");
        }

        k.AssertConsistent();
    }

    [Theory]
    [InlineData(AbiProfile.HotplugV3, true)]
    [InlineData(AbiProfile.Hotplug, false)]
    [InlineData(AbiProfile.StateV7, false)]
    public void UnbindAfterPerBlockOffline_LeaksAndRebindIsEbusyOnlyInV3(AbiProfile abi, bool leaks)
    {
        var k = OnlineMovableDax1(abi);
        foreach (var b in Dax1Blocks)
        {
            Assert.Equal(Errno.None, k.Echo($"/sys/devices/system/memory/memory{b}/state", "offline"));
        }

        Assert.Equal(Errno.None, k.Echo($"{Kmem}/unbind", "dax1.0"));
        if (leaks)
        {
            Assert.Contains(k.Log.Records, r => r.Text == "Hotplug memory regions stuck online until reboot");
            Assert.All(Dax1Blocks, b => Assert.Equal("offline", k.State(b)));
            Assert.Equal(Errno.EBUSY, k.Echo($"{Kmem}/bind", "dax1.0"));
        }
        else
        {
            Assert.DoesNotContain(k.Log.Records, r => r.Text.Contains("stuck online", StringComparison.Ordinal));
            Assert.All(Dax1Blocks, b => Assert.Null(k.Blocks.Find(b)));
            Assert.Equal(Errno.None, k.Echo($"{Kmem}/bind", "dax1.0"));
        }

        k.AssertConsistent();
    }

    [Fact]
    public void V3_ProbeUnderOfflineDefault_FailsWithEinval_ThenProbesUnpluggedAfterPolicyChange()
    {
        var k = Machine(AbiProfile.HotplugV3);
        Assert.Contains(k.Log.Records, r => r.Text == "kmem dax1.0: probe with driver kmem failed with error -22");
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read($"{Dev1}/driver/uevent", out _));
        Assert.All(Dax1Blocks, b => Assert.Null(k.Blocks.Find(b)));

        Assert.Equal(Errno.None, k.Echo("/sys/devices/system/memory/auto_online_blocks", "online_movable"));
        Assert.Equal(Errno.None, k.Echo($"{Kmem}/bind", "dax1.0"));
        Assert.Equal("unplugged\n", k.Cat($"{Dev1}/hotplug"));
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/hotplug", "online"));
        Assert.Equal("online\n", k.Cat($"{Dev1}/hotplug"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{Dev1}/hotplug", "online_movable"));
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/hotplug", "online"));
        k.AssertConsistent();
    }

    [Theory]
    [InlineData(AbiProfile.Hotplug, "unplugged")]
    [InlineData(AbiProfile.Hotplug, "offline")]
    [InlineData(AbiProfile.Hotplug, "online_kernel")]
    [InlineData(AbiProfile.Hotplug, " online")]
    [InlineData(AbiProfile.HotplugV3, "unplugged")]
    [InlineData(AbiProfile.HotplugV3, "online_kernel")]
    [InlineData(AbiProfile.StateV7, "offline")]
    [InlineData(AbiProfile.StateV7, "unplug")]
    [InlineData(AbiProfile.StateV7, "bogus")]
    public void Attribute_BadValue_IsEinvalAndUnchanged(AbiProfile abi, string value)
    {
        var k = OnlineMovableDax1(abi);
        var before = Snapshot(k);
        Assert.Equal(Errno.EINVAL, k.Echo(Attr(abi), value));
        Assert.Equal(before, Snapshot(k));
        Assert.Equal("online_movable\n", k.Cat(Attr(abi)));
    }

    [Theory]
    [InlineData(AbiProfile.Hotplug)]
    [InlineData(AbiProfile.HotplugV3)]
    [InlineData(AbiProfile.StateV7)]
    public void Attribute_SameState_IsNoOp_OtherOnlineType_IsEbusy(AbiProfile abi)
    {
        var k = OnlineMovableDax1(abi);
        var before = Snapshot(k);
        Assert.Equal(Errno.None, k.Echo(Attr(abi), "online_movable"));
        Assert.Equal(Errno.EBUSY, k.Echo(Attr(abi), "online"));
        Assert.Equal(before, Snapshot(k));
        k.AssertConsistent();
    }

    [Fact]
    public void Hotplug_OfflineAfterProbe_OnlineOnlinesEveryBlock_UnplugRemoves()
    {
        var k = Machine(AbiProfile.Hotplug);
        Assert.Equal("offline\n", k.Cat($"{Dev1}/hotplug"));
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/hotplug", "online"));
        Assert.All(Dax1Blocks, b => Assert.Equal("Normal", k.Zones(b)));
        Assert.Equal("online\n", k.Cat($"{Dev1}/hotplug"));
        Assert.Equal(Errno.None, k.Echo("/sys/devices/system/memory/memory1070/state", "offline"));
        Assert.Equal("offline\n", k.Cat($"{Dev1}/hotplug"));

        // memory1024, node 3's first block and in a kernel zone, holds the node's kswapd: no unplug, all kept.
        Assert.Equal(Errno.EBUSY, k.Echo($"{Dev1}/hotplug", "unplug"));
        Assert.Equal("offline\n", k.Cat($"{Dev1}/hotplug"));
        Assert.Equal("online", k.State(1024));
        k.AssertConsistent();
    }

    [Fact]
    public void Hotplug_FaultWhileOnlining_RollsBackToUnplugged()
    {
        var k = Machine(AbiProfile.Hotplug);
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/hotplug", "unplug"));
        var iomem = k.Iomem.Format();
        int onlined = 0;
        using var sub = k.Uevents.Subscribe(e =>
        {
            if (e.Action == "online" && ++onlined == 100)
            {
                k.NotifierInject.SetGoingOnline(-12);
            }
        });
        Assert.Equal(Errno.ENOMEM, k.Echo($"{Dev1}/hotplug", "online_movable"));
        Assert.Equal("unplugged\n", k.Cat($"{Dev1}/hotplug"));
        Assert.All(Dax1Blocks, b => Assert.Null(k.Blocks.Find(b)));
        Assert.Equal(iomem, k.Iomem.Format());
        k.AssertConsistent();
    }

    [Fact]
    public void Hotplug_FaultWhileOnliningFromOffline_LeavesEveryBlockOffline()
    {
        var k = Machine(AbiProfile.Hotplug);
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory1200/going_online_error", "-5"));
        Assert.Equal(Errno.EIO, k.Echo($"{Dev1}/hotplug", "online_movable"));
        Assert.All(Dax1Blocks, b => Assert.Equal("offline", k.State(b)));
        Assert.Equal("offline\n", k.Cat($"{Dev1}/hotplug"));
        k.AssertConsistent();
    }

    [Fact]
    public void V7_OfflineAfterProbe_OnlineIsEbusy_OnlineKernelFromUnplugged()
    {
        var k = Machine(AbiProfile.StateV7);
        Assert.Equal("offline\n", k.Cat($"{Dev1}/state"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{Dev1}/state", "online"));
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/state", "unplugged"));
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/state", "online_kernel"));
        Assert.Equal("online_kernel\n", k.Cat($"{Dev1}/state"));
        Assert.All(Dax1Blocks, b => Assert.Equal("Normal", k.Zones(b)));
        Assert.Contains("  2400000000-25ffffffff : dax1.0\n    2400000000-25ffffffff : System RAM (kmem)\n", k.Iomem.Format());
        k.AssertConsistent();
    }

    [Fact]
    public void Probe_TooSmallRange_IsSkippedAndLogged()
    {
        var spec = BuiltinMachines.Load("default");
        spec.DaxRegions[1].Devices![0].Ranges = ["0x2000000000-0x21ffffffff", "0x2400000000-0x2401ffffff"];
        var k = MachineBuilder.Build(spec, AbiProfile.NoAttribute);
        Assert.Contains(k.Log.Records, r => r.Text == "kmem dax1.0: mapping1: 0x2400000000-0x2401ffffff too small after alignment");
        Assert.Equal(64, k.Hotplug.BlocksOnNode(3));
        k.AssertConsistent();
    }
}
