using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Memory;
using static Daxplug.TestKit.TestKernel;

namespace Daxplug.Kernel.Tests;

/// <summary>Zone choice and spans (docs/kernel-abi.md §1.4).</summary>
public class ZoneTests
{
    private const ulong GiB = 1UL << 30;
    private const ulong At8G = 8 * GiB;

    private static KernelModel WithNode1Memory(ulong size = GiB, Action<Machines.MachineSpec>? edit = null)
    {
        var k = Small(edit);
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, size));
        return k;
    }

    [Fact]
    public void ValidZones_FreshNode_IsNormalMovable()
    {
        var k = WithNode1Memory();
        for (long b = 64; b < 72; b++)
        {
            Assert.Equal("offline", k.State(b));
            Assert.Equal("Normal Movable", k.Zones(b));
        }
    }

    [Fact]
    public void ValidZones_BootBlocks_OfflineListsKernelZoneFirst()
    {
        var k = Default();
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory1/state", "offline"));
        Assert.Equal("DMA32 Movable", k.Zones(1));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory40/state", "offline"));
        Assert.Equal("Normal Movable", k.Zones(40));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory1/state", "online"));
        Assert.Equal("DMA32", k.Zones(1));
    }

    [Fact]
    public void ValidZones_InsideMovableSpan_IsMovableNormal_AdjacencyDoesNotCount()
    {
        var k = WithNode1Memory();
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory65/state", "online_movable"));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory67/state", "online_movable"));
        Assert.Equal("Movable", k.Zones(65));
        Assert.Equal("Movable Normal", k.Zones(66));
        Assert.Equal("Normal Movable", k.Zones(64));
        Assert.Equal("Normal Movable", k.Zones(68));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory66/state", "online"));
        Assert.Equal("Movable", k.Zones(66));
        k.AssertConsistent();
    }

    [Fact]
    public void ValidZones_BothSpansIntersect_FallsBackToKernelZone()
    {
        var k = WithNode1Memory();
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory64/state", "online_kernel"));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory66/state", "online_movable"));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory68/state", "online_kernel"));
        // Normal spans 64..68, Movable 66: block 67 intersects both.
        Assert.Equal("Normal Movable", k.Zones(65));
        Assert.Equal("Normal Movable", k.Zones(67));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory67/state", "online"));
        Assert.Equal("Normal", k.Zones(67));
    }

    [Fact]
    public void ValidZones_MovableNode_PrefersMovable()
    {
        var k = WithNode1Memory(edit: s => s.MovableNode = true);
        Assert.Equal("Movable Normal", k.Zones(64));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory64/state", "online"));
        Assert.Equal("Movable", k.Zones(64));
    }

    [Fact]
    public void ZoneSpan_ShrinksOnlyAtTheEnds()
    {
        var k = WithNode1Memory();
        foreach (var b in new[] { 64, 65, 66 })
        {
            Assert.Equal(Errno.None, k.Echo($"{Mem}/memory{b}/state", "online_movable"));
        }

        var movable = k.Node(1)![ZoneType.Movable];
        Assert.Equal((0x200000UL, 3 * k.PagesPerBlock), (movable.StartPfn, movable.SpannedPages));

        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory65/state", "offline"));
        Assert.Equal(3 * k.PagesPerBlock, movable.SpannedPages);
        Assert.Equal("Movable Normal", k.Zones(65));

        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory66/state", "offline"));
        Assert.Equal((0x200000UL, k.PagesPerBlock), (movable.StartPfn, movable.SpannedPages));
        Assert.Equal("Normal Movable", k.Zones(65));

        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory64/state", "offline"));
        Assert.True(movable.IsEmpty);
        Assert.Equal(0UL, movable.StartPfn);
        k.AssertConsistent();
    }

    [Fact]
    public void ZoneSpan_ShrinkFromStart_MovesToNextOnlineBlock()
    {
        var k = WithNode1Memory();
        // memory66 first: the node's first kernel-zone block holds its kswapd and stays (offlining 64 is the point).
        foreach (var b in new[] { 66, 64, 67 })
        {
            Assert.Equal(Errno.None, k.Echo($"{Mem}/memory{b}/state", "online_kernel"));
        }

        var normal = k.Node(1)![ZoneType.Normal];
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory64/state", "offline"));
        Assert.Equal(66 * k.PagesPerBlock, normal.StartPfn);
        Assert.Equal(2 * k.PagesPerBlock, normal.SpannedPages);
    }

    [Fact]
    public void FailedOnline_LeavesSpanAsBefore()
    {
        var k = WithNode1Memory();
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory64/state", "online_movable"));
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory70/going_online_error", "-12"));
        Assert.Equal(Errno.ENOMEM, k.Echo($"{Mem}/memory70/state", "online_movable"));
        var movable = k.Node(1)![ZoneType.Movable];
        Assert.Equal(k.PagesPerBlock, movable.SpannedPages);
        Assert.Equal("Normal Movable", k.Zones(68));
        k.AssertConsistent();
    }

    [Fact]
    public void AutoMovable_NumaAwareCpulessNode_GetsKernelZone()
    {
        var k = WithNode1Memory(edit: s => s.OnlinePolicy = "auto-movable");
        Assert.Equal("Normal Movable", k.Zones(64));
    }

    [Fact]
    public void AutoMovable_GlobalRatio_DecidesMovable()
    {
        // node0 has about 4 GiB early kernel memory: 301% allows ~12 GiB movable.
        var k = Small(s => { s.OnlinePolicy = "auto-movable"; s.AutoMovableNumaAware = false; });
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB));
        Assert.Equal("Movable Normal", k.Zones(64));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory64/state", "online"));
        Assert.Equal("Movable", k.Zones(64));

        // Without a group each block is judged alone: blocks go Movable until the ratio is used up.
        Assert.Equal(Errno.None, k.AddMemory(1, 16 * GiB, 16 * GiB));
        for (long b = 128; b < 256; b++)
        {
            Assert.Equal(Errno.None, k.Echo($"{Mem}/memory{b}/state", "online"));
        }

        ulong early = k.Node(0)!.Zones.Aggregate(0UL, (s, z) => s + z.PresentEarlyPages);
        ulong limit = 301 * early / 100;
        ulong movable = k.Node(1)![ZoneType.Movable].PresentPages;
        Assert.True(movable <= limit && movable + k.PagesPerBlock > limit, $"movable {movable} limit {limit}");
        Assert.Equal("Normal", k.Zones(255));
        Assert.Equal("Movable", k.Zones(128));
        k.AssertConsistent();
    }

    [Fact]
    public void AutoMovable_StaticGroup_LooksAtTheWholeGroup()
    {
        var k = Small(s => { s.OnlinePolicy = "auto-movable"; s.AutoMovableNumaAware = false; });
        // 8 GiB fits the ratio as a whole group; once a kernel page is in the group, the rest stays kernel.
        int mgid = k.Hotplug.MemoryGroupRegister(1, isDynamic: false, pages: 8 * GiB / KernelModel.PageSize);
        Assert.True(mgid >= 0);
        Assert.Equal(Errno.None, k.Hotplug.AddMemoryDriverManaged(mgid, At8G, 8 * GiB, "System RAM (kmem)", MhpFlags.NidIsMgid).Sync());
        Assert.Equal("Movable Normal", k.Zones(64));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory65/state", "online_kernel"));
        Assert.Equal("Normal Movable", k.Zones(64));
        Assert.Equal(Errno.EBUSY, k.Hotplug.MemoryGroupUnregister(mgid));
        k.AssertConsistent();
    }

    [Fact]
    public void AutoMovable_RatioZero_IsKernelZone()
    {
        var k = Small(s => { s.OnlinePolicy = "auto-movable"; s.AutoMovableNumaAware = false; });
        Assert.Equal(Errno.None, k.Echo("/sys/module/memory_hotplug/parameters/auto_movable_ratio", "0"));
        Assert.Equal(Errno.None, k.AddMemory(1, At8G, GiB));
        Assert.Equal("Normal Movable", k.Zones(64));
    }

    [Fact]
    public void OnlinePolicy_Parameter_ParsesAndRejects()
    {
        var k = Small();
        const string policy = "/sys/module/memory_hotplug/parameters/online_policy";
        Assert.Equal("contig-zones\n", k.Cat(policy));
        Assert.Equal(Errno.None, k.Echo(policy, "auto-movable\n"));
        Assert.Equal("auto-movable\n", k.Cat(policy));
        Assert.Equal(Errno.EINVAL, k.Echo(policy, "movable"));
        Assert.Equal("auto-movable\n", k.Cat(policy));
        Assert.Equal(Errno.None, k.Echo("/sys/module/memory_hotplug/parameters/auto_movable_ratio", "0x20"));
        Assert.Equal("32\n", k.Cat("/sys/module/memory_hotplug/parameters/auto_movable_ratio"));
        Assert.Equal(Errno.EINVAL, k.Echo("/sys/module/memory_hotplug/parameters/auto_movable_ratio", "-1"));
        Assert.Equal(Errno.ERANGE, k.Echo("/sys/module/memory_hotplug/parameters/auto_movable_ratio", "4294967296"));
        Assert.Equal(Errno.None, k.Echo("/sys/module/memory_hotplug/parameters/auto_movable_numa_aware", "off"));
        Assert.Equal("N\n", k.Cat("/sys/module/memory_hotplug/parameters/auto_movable_numa_aware"));
        Assert.Equal("N\n", k.Cat("/sys/module/memory_hotplug/parameters/memmap_on_memory"));
        Assert.Equal(Errno.EACCES, k.Echo("/sys/module/memory_hotplug/parameters/memmap_on_memory", "Y"));
    }
}
