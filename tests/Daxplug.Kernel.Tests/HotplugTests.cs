using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Memory;
using static Daxplug.TestKit.TestKernel;

namespace Daxplug.Kernel.Tests;

/// <summary>add_memory_driver_managed, remove_memory, offline_and_remove_memory (docs/kernel-abi.md §1.6).</summary>
public class HotplugTests
{
    private const ulong GiB = 1UL << 30;
    private const ulong At8G = 8 * GiB;

    [Theory]
    [InlineData("System RAM")]
    [InlineData("kmem")]
    [InlineData("System RAM (kmem")]
    public void Add_BadResourceName_IsEinval(string name)
    {
        var k = Small();
        Assert.Equal(Errno.EINVAL, k.Hotplug.AddMemoryDriverManaged(1, At8G, GiB, name, MhpFlags.None).Sync());
        Assert.Equal(32, k.Blocks.Count);
        Assert.DoesNotContain("System RAM (", k.Iomem.Format());
    }

    [Theory]
    [InlineData(At8G + 4096, GiB)]
    [InlineData(At8G, GiB + 4096)]
    public void Add_Unaligned_IsEinvalAndLogs(ulong start, ulong size)
    {
        var k = Small();
        int before = k.Blocks.Count;
        Assert.Equal(Errno.EINVAL, k.AddMemory(1, start, size));
        Assert.Equal(before, k.Blocks.Count);
        Assert.Contains(k.Log.Records, r => r.Text.StartsWith("Block size [0x8000000] unaligned hotplug range", StringComparison.Ordinal));
        Assert.DoesNotContain("kmem", k.Iomem.Format());
        k.AssertConsistent();
    }

    [Fact]
    public void Add_ZeroSize_FailsInRegisterMemoryResourceWithEexist()
    {
        // register_memory_resource() runs before check_hotplug_memory_range(): an empty region cannot be claimed.
        var k = Small();
        Assert.Equal(Errno.EEXIST, k.AddMemory(1, At8G, 0));
    }

    [Fact]
    public void Add_OverlappingResource_IsEexist()
    {
        var k = Small();
        Assert.Equal(Errno.EEXIST, k.AddMemory(1, 4 * GiB, GiB));
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB));
        Assert.Equal(Errno.EEXIST, k.AddMemory(1, At8G + (GiB / 2), GiB));
        k.AssertConsistent();
    }

    [Fact]
    public void Add_ImpossibleNode_IsEinval()
    {
        var k = Small();
        Assert.Equal(Errno.EINVAL, k.AddMemory(7, At8G, GiB));
        Assert.DoesNotContain("kmem", k.Iomem.Format());
    }

    [Fact]
    public void Add_NewNode_RegistersNodeAndLinksOfflineBlocks()
    {
        var k = Small();
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/devices/system/node/node1/cpulist", out _));
        Assert.Equal("0\n", k.Cat("/sys/devices/system/node/online"));
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB));
        Assert.Equal("0-1\n", k.Cat("/sys/devices/system/node/online"));
        Assert.Equal("0\n", k.Cat("/sys/devices/system/node/has_memory"));
        Assert.Equal("\n", k.Cat("/sys/devices/system/node/node1/cpulist"));
        Assert.Equal("offline\n", k.Cat("/sys/devices/system/node/node1/memory64/state"));
        Assert.Equal("offline\n", k.Cat($"{Mem}/memory71/node1/memory71/state"));
        Assert.Contains("  200000000-23fffffff : System RAM (kmem)\n".TrimStart(), k.Iomem.Format());
        k.AssertConsistent();
    }

    [Theory]
    [InlineData(OnlineType.OnlineMovable, "Movable")]
    [InlineData(OnlineType.Online, "Normal")]
    [InlineData(OnlineType.OnlineKernel, "Normal")]
    public void Add_WithOnlineType_OnlinesEveryBlock(OnlineType type, string zone)
    {
        var k = Small();
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB, type));
        for (long b = 64; b < 72; b++)
        {
            Assert.Equal(zone, k.Zones(b));
        }

        Assert.Equal("0-1\n", k.Cat("/sys/devices/system/node/has_memory"));
        k.AssertConsistent();
    }

    [Fact]
    public void Add_AutoOnlineBlocksPolicy_IsTheDefaultType()
    {
        var k = Small();
        Assert.Equal(Errno.None, k.Echo($"{Mem}/auto_online_blocks", "online_movable\n"));
        Assert.Equal("online_movable\n", k.Cat($"{Mem}/auto_online_blocks"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Mem}/auto_online_blocks", "movable"));
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB));
        Assert.Equal("Movable", k.Zones(70));
    }

    [Fact]
    public void Add_OnliningStopsAtFirstFailure_AndStillSucceeds()
    {
        var k = Small();
        // Blocks 64.. do not exist yet: inject globally, then clear it after the first two blocks online.
        int onlined = 0;
        using var sub = k.Uevents.Subscribe(e =>
        {
            if (e.Action == "online" && ++onlined == 2)
            {
                k.NotifierInject.SetGoingOnline(-12);
            }
        });
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB, OnlineType.OnlineMovable));
        Assert.Equal(["online", "online", "offline", "offline", "offline", "offline", "offline", "offline"],
            Enumerable.Range(64, 8).Select(b => k.State(b)));
        Assert.Single(k.Log.Records, r => r.Text == "Injecting error (-12) to MEM_GOING_ONLINE");
        k.AssertConsistent();
    }

    [Fact]
    public void Remove_WithOnlineBlock_IsEbusyAndLogs()
    {
        var k = Small();
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory66/state", "online_movable"));
        Assert.Equal(Errno.EBUSY, k.Hotplug.RemoveMemory(At8G, GiB).Sync());
        Assert.Contains(k.Log.Records, r => r.Text == "removing memory fails, because memory [0x0000000210000000-0x0000000217ffffff] is onlined");
        Assert.Equal(8, k.Hotplug.BlocksOf(At8G, GiB).Count());
        k.AssertConsistent();
    }

    [Fact]
    public void Remove_AllOffline_RemovesBlocksResourceAndNode()
    {
        var k = Small();
        var events = new List<string>();
        using var sub = k.Uevents.Subscribe(e => events.Add($"{e.Action} {e.DevPath}"));
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB, OnlineType.OnlineMovable));
        Assert.Contains("memory_tier4", k.Tiers.Tiers.Select(t => $"memory_tier{t.Id}"));
        for (long b = 64; b < 72; b++)
        {
            Assert.Equal(Errno.None, k.Echo($"{Mem}/memory{b}/state", "offline"));
        }

        Assert.Equal(Errno.None, k.Hotplug.RemoveMemory(At8G, GiB).Sync());
        Assert.Empty(k.Hotplug.BlocksOf(At8G, GiB));
        Assert.DoesNotContain("kmem", k.Iomem.Format());
        Assert.Equal("0\n", k.Cat("/sys/devices/system/node/online"));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/devices/system/node/node1/cpulist", out _));
        Assert.Contains("add /devices/system/node/node1", events);
        Assert.Contains("add /devices/system/memory/memory64", events);
        Assert.Contains("online /devices/system/memory/memory64", events);
        Assert.Contains("offline /devices/system/memory/memory71", events);
        Assert.Contains("remove /devices/system/memory/memory71", events);
        Assert.Equal("remove /devices/system/node/node1", events[^1]);
        k.AssertConsistent();
    }

    [Fact]
    public void OfflineAndRemove_Failure_RestoresEveryBlockToItsZone()
    {
        var k = Small();
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB));
        // A movable block first: the node's kswapd then lives elsewhere, and the kernel-zone blocks can go offline.
        foreach (var (b, type) in new[] { (65, "online_movable"), (64, "online_kernel"), (66, "online_movable"), (68, "online_kernel") })
        {
            Assert.Equal(Errno.None, k.Echo($"{Mem}/memory{b}/state", type));
        }

        var before = Enumerable.Range(64, 8).Select(b => k.State(b) + "/" + k.Zones(b)).ToList();
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory68/unmovable", "1"));
        Assert.Equal(Errno.EBUSY, k.Hotplug.OfflineAndRemoveMemory(At8G, GiB).Sync());
        Assert.Equal(before, Enumerable.Range(64, 8).Select(b => k.State(b) + "/" + k.Zones(b)));
        k.AssertConsistent();

        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory68/unmovable", "0"));
        Assert.Equal(Errno.None, k.Hotplug.OfflineAndRemoveMemory(At8G, GiB).Sync());
        Assert.Empty(k.Hotplug.BlocksOf(At8G, GiB));
        k.AssertConsistent();
    }

    [Fact]
    public void Remove_InjectedFailure_KeepsEverything_AndOfflineAndRemoveRollsBack()
    {
        var k = Small();
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB, OnlineType.OnlineMovable));
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory70/remove_error", "-16"));
        Assert.Equal("-16\n", k.Cat("/sys/kernel/debug/daxplug/memory/memory70/remove_error"));
        Assert.Equal(Errno.EBUSY, k.Hotplug.OfflineAndRemoveMemory(At8G, GiB).Sync());
        Assert.All(Enumerable.Range(64, 8), b => Assert.Equal("online", k.State(b)));
        Assert.Contains(k.Log.Records, r => r.Text == "offline_and_remove_memory: Failed to remove memory: -16");
        k.AssertConsistent();
    }

    [Fact]
    public void OfflineAndRemove_Unaligned_IsEinval()
    {
        var k = Small();
        Assert.Equal(Errno.EINVAL, k.Hotplug.OfflineAndRemoveMemory(At8G + 4096, GiB).Sync());
        Assert.Equal(Errno.EINVAL, k.Hotplug.OfflineAndRemoveMemory(At8G, 0).Sync());
    }

    [Fact]
    public async Task Locks_AreTakenInKernelOrder()
    {
        var k = Small();
        await using (await k.MemHotplugLock.Hold())
        {
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await k.DeviceHotplugLock.Lock());
        }

        await using (await k.DeviceHotplugLock.Hold())
        {
            await using var _ = await k.MemHotplugLock.Hold();
            Assert.True(k.MemHotplugLock.HeldByCurrentThread);
        }
    }
}

/// <summary>A store that raced with the removal of its block (found by the race lab).</summary>
public class RemovedBlockTests
{
    [Fact]
    public void StoreOnARemovedBlock_IsEnodev_AndAccountsNothing()
    {
        var k = TestKernel.Small();
        Assert.Equal(Errno.None, k.AddMemory(1, 8UL << 30, 1UL << 30));
        // An open file (a sysfs node looked up before the removal), then the range goes away.
        Assert.Equal(Errno.None, k.Sysfs.Lookup($"{TestKernel.Mem}/memory64/state", out var node));
        var state = Assert.IsAssignableFrom<Sysfs.KernfsAttribute>(node);
        Assert.Equal(Errno.None, k.Hotplug.RemoveMemory(8UL << 30, 1UL << 30).Sync());
        Assert.Equal(-(int)Errno.ENODEV, k.Sysfs.WriteOpened($"{TestKernel.Mem}/memory64/state", state, "online_movable"u8));
        Assert.Equal("0\n", k.Cat("/sys/devices/system/node/has_memory"));
        k.AssertConsistent();
    }
}
