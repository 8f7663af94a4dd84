using Daxplug.Control.Discovery;
using Daxplug.Control.Transitions;
using Daxplug.Kernel;

namespace Daxplug.Control.Tests;

/// <summary>Whole-device transitions on every ABI profile, with faults and interference.</summary>
public sealed class ControllerTests : IDisposable
{
    private readonly TempDir tmp = new();

    public void Dispose() => tmp.Dispose();

    public static TheoryData<AbiProfile> Profiles => [AbiProfile.NoAttribute, AbiProfile.Hotplug, AbiProfile.HotplugV3, AbiProfile.StateV7];

    /// <summary>dax1.0 (two ranges) online in Movable on any profile (v3 gets there at boot).</summary>
    private (TestSysfs Sysfs, Controller Controller) OnlineMovable(AbiProfile abi)
    {
        var s = TestSysfs.Boot(abi, abi == AbiProfile.HotplugV3 ? "online_movable" : "offline");
        var c = new Controller(s, new StateDir(tmp.Path));
        var outcome = c.Set("dax1.0", DeviceState.OnlineMovable);
        Assert.True(outcome.Code == OutcomeCode.Done, outcome.Message);
        Assert.Equal("online_movable", Discover.Device(s, "dax1.0")!.State.Name);
        return (s, c);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void DiscoveryFromValidZonesAlone_AgreesWithStateAndValidZones(AbiProfile abi)
    {
        // Every block of the machine, with dax1.0's blocks in every state a block can be in: online movable,
        // online in a kernel zone, offline next to either zone.
        var s = TestSysfs.Boot(abi, "online_movable");
        var ids = Discover.Device(s, "dax1.0")!.Blocks.Select(b => b.Id).ToList();
        foreach (var (id, state) in ids.Take(8).Zip(new[] { "offline", "offline", "online_kernel", "offline", "online_movable", "offline", "online", "offline" }))
        {
            s.Kernel.Sysfs.Write($"/sys/devices/system/memory/memory{id}/state", "offline");
            s.Kernel.Sysfs.Write($"/sys/devices/system/memory/memory{id}/state", state);
        }

        // The truth: each block's own state file, and valid_zones for the zone of an online block.
        string Read(long id, string file) => s.Kernel.Sysfs.Read($"/sys/devices/system/memory/memory{id}/{file}", out var t) == Errno.None ? t.TrimEnd('\n') : "?";
        var truth = s.Kernel.Blocks.Ids().Order().Select(id => (id, Read(id, "state"), Read(id, "state") == "online" ? Read(id, "valid_zones") : null)).ToList();
        Assert.Contains(truth, b => b.Item2 == "offline");
        Assert.Contains(truth, b => b.Item3 == "Movable");
        Assert.Contains(truth, b => b.Item3 == "Normal");

        var bs = Discover.BlockSize(s);
        var all = Discover.AllBlocks(s, bs);
        Assert.Equal(truth, all.Select(b => (b.Id, b.State, b.Zone)));
        foreach (var detail in new[] { Discover.Detail.States, Discover.Detail.Zones, Discover.Detail.Full })
        {
            var derived = Discover.Blocks(s, bs, all.Select(b => (b.Start, b.Start + b.Size - 1)), node: 0, detail);
            Assert.Equal(truth, derived.Select(b => (b.Id, b.State, b.Zone)));
        }
    }

    private static List<string> Blocks(TestSysfs s, string dev) =>
        Discover.Device(s, dev)!.Blocks.Select(b => $"{b.Id}:{b.State}:{b.Zones}").ToList();

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Transitions_UnplugOnlineKernelAndBack(AbiProfile abi)
    {
        var (s, c) = OnlineMovable(abi);
        Assert.Equal(OutcomeCode.Done, c.Set("dax1.0", DeviceState.Unplugged).Code);
        var dev = Discover.Device(s, "dax1.0")!;
        Assert.Equal("unplugged", dev.State.Name);
        Assert.Empty(dev.Blocks);
        if (abi == AbiProfile.NoAttribute)
        {
            // Without the attribute, unplugged means unbound from kmem; coming back is a reconfigure.
            Assert.Null(dev.Driver);
            Assert.Equal(OutcomeCode.RolledBack, c.Set("dax1.0", DeviceState.Online).Code);
            return;
        }

        var kernel = c.Set("dax1.0", DeviceState.OnlineKernel);
        if (abi is AbiProfile.Hotplug or AbiProfile.HotplugV3)
        {
            Assert.Equal(OutcomeCode.RolledBack, kernel.Code);
            Assert.Contains("has no 'online_kernel'", kernel.Message);
            Assert.True(c.Set("dax1.0", DeviceState.Online) is { Code: OutcomeCode.Done });
        }
        else
        {
            Assert.Equal(OutcomeCode.Done, kernel.Code);
            Assert.Equal("online_kernel", Discover.Device(s, "dax1.0")!.State.Name);
        }

        Assert.Equal(128, Discover.Device(s, "dax1.0")!.OnlineBlocks);

        // Node 3 had no memory: its first block, now in a kernel zone, holds the node's kswapd and cannot go
        // offline again (the 7.3 oracle, 11-state-writes), so neither an unplug nor a move to ZONE_MOVABLE can be
        // done, and each is undone as a whole.
        var before = Blocks(s, "dax1.0");
        foreach (var target in new[] { "online_movable", "unplugged" })
        {
            var refused = c.Set("dax1.0", DeviceState.Parse(target)!);
            Assert.Equal(OutcomeCode.RolledBack, refused.Code);
            Assert.Equal(before, Blocks(s, "dax1.0"));
        }

        Assert.Empty(Invariants.Check(s.Kernel));
    }

    /// <summary>A v3 device as the code allows it: probed unplugged (resources reserved) after a policy change.</summary>
    private static TestSysfs V3Unplugged()
    {
        var s = TestSysfs.Boot(AbiProfile.HotplugV3);
        s.Poke("/sys/devices/system/memory/auto_online_blocks", "online_movable");
        s.Poke("/sys/bus/dax/drivers/kmem/bind", "dax1.0");
        Assert.Equal("unplugged", Discover.Device(s, "dax1.0")!.Attribute!.Value);
        return s;
    }

    /// <summary>From the n-th block onlined on, MEM_GOING_ONLINE fails with ENOMEM (until disposed).</summary>
    private static IDisposable FailOnliningAfter(TestSysfs s, int n)
    {
        int onlined = 0;
        var sub = s.Kernel.Uevents.Subscribe(e =>
        {
            if (e.Action == "online" && ++onlined == n)
            {
                s.Kernel.NotifierInject.SetGoingOnline(-12);
            }
        });
        return new Cleanup(() =>
        {
            sub.Dispose();
            s.Kernel.NotifierInject.SetGoingOnline(0);
        });
    }

    private sealed class Cleanup(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    [Fact]
    public void Mainline_PerBlock_OnlineKernelThenMovable_TheNodesFirstBlockStays()
    {
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        var c = new Controller(s, new StateDir(tmp.Path));
        Assert.Contains("node3 has no memory online", c.Plan("dax1.0", DeviceState.OnlineKernel).Note);
        Assert.Null(c.Plan("dax1.0", DeviceState.OnlineMovable).Note);
        var kernel = c.Set("dax1.0", DeviceState.OnlineKernel);
        Assert.Equal(OutcomeCode.Done, kernel.Code);
        Assert.Contains("will hold its kswapd and cannot be offlined until reboot", kernel.Note);
        Assert.Equal("online_kernel", Discover.Device(s, "dax1.0")!.State.Name);
        var before = Blocks(s, "dax1.0");

        // The first block of a memoryless node onlined into a kernel zone holds the node's kswapd and kcompactd
        // (the 7.3 oracle, 11-state-writes): it cannot go offline, so the move is undone as a whole.
        var movable = c.Set("dax1.0", DeviceState.OnlineMovable);
        Assert.Equal(OutcomeCode.RolledBack, movable.Code);
        Assert.Contains("memory1024", movable.Message);
        Assert.Equal(before, Blocks(s, "dax1.0"));
    }

    [Theory]
    [InlineData(AbiProfile.NoAttribute, 1030)]
    [InlineData(AbiProfile.NoAttribute, 1200)]
    [InlineData(AbiProfile.Hotplug, 1030)]
    [InlineData(AbiProfile.Hotplug, 1200)]
    [InlineData(AbiProfile.HotplugV3, 1030)]
    [InlineData(AbiProfile.HotplugV3, 1200)]
    [InlineData(AbiProfile.StateV7, 1030)]
    [InlineData(AbiProfile.StateV7, 1200)]
    public void Unplug_WithAFaultInAnyRange_LeavesTheDeviceAsItWas(AbiProfile abi, long faulty)
    {
        var (s, c) = OnlineMovable(abi);
        var before = Blocks(s, "dax1.0");
        s.Poke($"/sys/kernel/debug/daxplug/memory/memory{faulty}/unmovable", "1");
        var outcome = c.Set("dax1.0", DeviceState.Unplugged);
        Assert.Equal(OutcomeCode.RolledBack, outcome.Code);
        Assert.Contains("rolled back", outcome.Message);
        Assert.Equal(before, Blocks(s, "dax1.0"));
        Assert.Empty(Invariants.Check(s.Kernel));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Online_WithAFaultInTheSecondRange_LeavesTheDeviceAsItWas(AbiProfile abi)
    {
        var (s, c) = abi == AbiProfile.HotplugV3 ? (V3Unplugged(), null) : OnlineMovable(abi);
        c ??= new Controller(s, new StateDir(tmp.Path));
        if (abi != AbiProfile.HotplugV3)
        {
            Assert.Equal(OutcomeCode.Done, c.Set("dax1.0", DeviceState.Unplugged).Code);
        }

        if (abi == AbiProfile.NoAttribute)
        {
            // Mainline: bring it back offline (rebind) and fail the per-block online in range 2.
            s.Poke("/sys/bus/dax/drivers/kmem/bind", "dax1.0");
        }

        var before = Blocks(s, "dax1.0");
        Outcome outcome;
        using (FailOnliningAfter(s, 70))
        {
            outcome = c.Set("dax1.0", DeviceState.OnlineMovable);
        }

        Assert.Equal(OutcomeCode.RolledBack, outcome.Code);
        Assert.Equal(before, Blocks(s, "dax1.0"));
        Assert.Empty(Invariants.Check(s.Kernel));
    }

    [Fact]
    public void V3_FalseSuccessOfTheKernel_IsNoticedAndUndone()
    {
        // v3 ignores failures after the first range: the write "succeeds" with range 2 offline.
        var s = V3Unplugged();
        var c = new Controller(s, new StateDir(tmp.Path));
        Outcome outcome;
        using (FailOnliningAfter(s, 80))
        {
            outcome = c.Set("dax1.0", DeviceState.OnlineMovable);
        }

        Assert.Equal(OutcomeCode.RolledBack, outcome.Code);
        Assert.Contains("the kernel reported success but the device is mixed", outcome.Message);
        Assert.Equal("unplugged", Discover.Device(s, "dax1.0")!.State.Name);
    }

    [Fact]
    public void V3_FalseSuccessAfterAnUnplugCycle_IsReportedAsStranded()
    {
        // After one unplug/online cycle v3 holds no resources: the undo unplug removes nothing, exit 3 says where.
        var s = V3Unplugged();
        var c = new Controller(s, new StateDir(tmp.Path));
        Assert.Equal(OutcomeCode.Done, c.Set("dax1.0", DeviceState.OnlineMovable).Code);
        Assert.Equal(OutcomeCode.Done, c.Set("dax1.0", DeviceState.Unplugged).Code);
        Outcome outcome;
        using (FailOnliningAfter(s, 80))
        {
            outcome = c.Set("dax1.0", DeviceState.OnlineMovable);
        }

        Assert.Equal(OutcomeCode.Stranded, outcome.Code);
        Assert.Contains("the kernel reported success but the device is mixed", outcome.Message);
        Assert.Contains("memory1024-1087 online (Movable)", outcome.Message);
        // What could not be put back keeps its journal: nothing else starts until recover has looked at it.
        Assert.Contains("the journal stays", outcome.Message);
        Assert.Contains("run 'daxplug recover' first", c.Set("dax0.0", DeviceState.Online).Message);
    }

    [Fact]
    public void Mainline_CompetingOnliner_IsDetectedAndRolledBack()
    {
        var (s, c) = OnlineMovable(AbiProfile.NoAttribute);
        var before = Blocks(s, "dax1.0");
        // A udev-style onliner re-onlines memory1024 (kernel zone) right after daxplug offlines memory1030.
        s.AfterWrite = (path, value) =>
        {
            if (path.EndsWith("memory1030/state", StringComparison.Ordinal) && value == "offline")
            {
                s.Poke("/sys/devices/system/memory/memory1024/state", "online_kernel");
            }
        };
        var outcome = c.Set("dax1.0", DeviceState.Unplugged);
        s.AfterWrite = null;
        Assert.Equal(OutcomeCode.RolledBack, outcome.Code);
        Assert.Contains("another controller", outcome.Message);
        Assert.Equal(before, Blocks(s, "dax1.0"));
        Assert.Equal("kmem", Discover.Device(s, "dax1.0")!.Driver);
    }

    [Fact]
    public void Recover_AfterACrashMidTransaction_RestoresTheSnapshot()
    {
        var (s, _) = OnlineMovable(AbiProfile.NoAttribute);
        var before = Blocks(s, "dax1.0");
        var state = new StateDir(tmp.Path);
        s.AfterWrite = (path, _) =>
        {
            if (path.EndsWith("memory1050/state", StringComparison.Ordinal))
            {
                throw new OperationCanceledException("killed");
            }
        };
        Assert.Throws<OperationCanceledException>(() => new Controller(s, state).Set("dax1.0", DeviceState.Unplugged));
        s.AfterWrite = null;
        Assert.NotNull(state.Journal(s).Read());
        Assert.NotEqual(before, Blocks(s, "dax1.0"));

        var outcome = new Controller(s, state).Recover();
        Assert.Equal(OutcomeCode.Done, outcome.Code);
        Assert.Equal(before, Blocks(s, "dax1.0"));
        Assert.Null(state.Journal(s).Read());
        Assert.Equal("nothing to recover", new Controller(s, state).Recover().Message);
    }

    [Fact]
    public void Discovery_UsesEveryMapping_NotResourcePlusSize()
    {
        var s = TestSysfs.Boot(AbiProfile.Hotplug);
        var dev = Discover.Device(s, "dax1.0")!;
        Assert.Equal(128, dev.Blocks.Count);
        Assert.Equal([1024L, 1215L], new[] { dev.Blocks[0].Id, dev.Blocks[^1].Id });
        Assert.Equal(2, dev.Mappings.Count);
        Assert.Equal(AttributeKind.Hotplug, dev.Attribute!.Kind);
        Assert.Equal("offline", dev.State.Name);
        Assert.Equal(AttributeKind.State, Discover.Device(TestSysfs.Boot(AbiProfile.StateV7), "dax1.0")!.Attribute!.Kind);
        Assert.Null(Discover.Device(TestSysfs.Boot(AbiProfile.NoAttribute), "dax1.0")!.Attribute);
    }
}
