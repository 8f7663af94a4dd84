using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Numa;
using static Daxplug.TestKit.TestKernel;

namespace Daxplug.Kernel.Tests;

/// <summary>Node masks, node directories and memory tiers (docs/kernel-abi.md §3, §4).</summary>
public class NumaTierTests
{
    private const ulong GiB = 1UL << 30;
    private const string Node = "/sys/devices/system/node";
    private const string Tiering = "/sys/devices/virtual/memory_tiering";

    [Fact]
    public void DefaultMachine_NodeMasksAndFiles()
    {
        var k = Default();
        Assert.Equal("0-3\n", k.Cat($"{Node}/possible"));
        // node2 and node3 came online when kmem hot-added the dax devices' (offline) memory.
        Assert.Equal("0-3\n", k.Cat($"{Node}/online"));
        Assert.Equal("0-1\n", k.Cat($"{Node}/has_memory"));
        Assert.Equal("0-1\n", k.Cat($"{Node}/has_normal_memory"));
        Assert.Equal("0-1\n", k.Cat($"{Node}/has_cpu"));
        Assert.Equal("\n", k.Cat($"{Node}/has_generic_initiator"));
        Assert.Equal("8-15\n", k.Cat($"{Node}/node1/cpulist"));
        Assert.Equal("ff00\n", k.Cat($"{Node}/node1/cpumap"));
        Assert.Equal("21 10 24 14\n", k.Cat($"{Node}/node1/distance"));
        Assert.Equal("1\n", k.Cat($"{Node}/node1/cpu9/online"));
        Assert.Equal("\n", k.Cat($"{Node}/node2/cpulist"));
        Assert.Equal("14 24 10 26\n", k.Cat($"{Node}/node2/distance"));
        Assert.Equal("0-1\n", k.Cat($"{Tiering}/memory_tier4/nodelist"));
        Assert.Equal("0-1\n", k.Cat("/sys/bus/memory_tiering/devices/memory_tier4/nodelist"));
        Assert.Equal("false\n", k.Cat("/sys/kernel/mm/numa/demotion_enabled"));
        k.AssertConsistent();
    }

    [Fact]
    public void DemotionEnabled_TakesKstrtobool()
    {
        var k = Default();
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/mm/numa/demotion_enabled", "Y\n"));
        Assert.Equal("true\n", k.Cat("/sys/kernel/mm/numa/demotion_enabled"));
        Assert.Equal(Errno.EINVAL, k.Echo("/sys/kernel/mm/numa/demotion_enabled", "x"));
        Assert.Equal("true\n", k.Cat("/sys/kernel/mm/numa/demotion_enabled"));
    }

    [Theory]
    [InlineData("6.12", "0-1\n")]
    [InlineData("6.18", "0\n")] // from 6.17 hotplug no longer sets N_NORMAL_MEMORY (the oracle showed it on 6.18)
    public void Tier_AppearsWithFirstMemoryAndGoesWithLast(string release, string normalAfterKernelOnline)
    {
        var k = Small(s => s.Kernel = release);
        Assert.Equal(Errno.None, k.AddMemory(1, 8 * GiB, GiB));
        Assert.Equal("0-1\n", k.Cat($"{Node}/online"));
        Assert.Equal("0\n", k.Cat($"{Node}/has_memory"));
        Assert.Equal("20 10\n", k.Cat($"{Node}/node1/distance"));

        // node1 has no adistance of its own: DRAM's 576, the DRAM type, tier 4.
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory64/state", "online_movable"));
        Assert.Equal("0-1\n", k.Cat($"{Node}/has_memory"));
        Assert.Equal("0\n", k.Cat($"{Node}/has_normal_memory"));
        Assert.Equal("0-1\n", k.Cat($"{Tiering}/memory_tier4/nodelist"));

        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory65/state", "online_kernel"));
        Assert.Equal(normalAfterKernelOnline, k.Cat($"{Node}/has_normal_memory"));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory65/state", "offline"));
        Assert.Equal("0\n", k.Cat($"{Node}/has_normal_memory"));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory64/state", "offline"));
        Assert.Equal("0\n", k.Cat($"{Node}/has_memory"));
        Assert.Equal("0\n", k.Cat($"{Tiering}/memory_tier4/nodelist"));
        k.AssertConsistent();
    }

    [Fact]
    public void Tier_KmemMemory_IsTier22WhileOnline()
    {
        var k = Default();
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory512/state", "online_movable"));
        Assert.Equal("0-2\n", k.Cat($"{Node}/has_memory"));
        Assert.Equal("2\n", k.Cat($"{Tiering}/memory_tier22/nodelist"));
        Assert.Equal("0-1\n", k.Cat($"{Tiering}/memory_tier4/nodelist"));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory512/state", "offline"));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read($"{Tiering}/memory_tier22/nodelist", out _));
        k.AssertConsistent();
    }

    [Fact]
    public void Tier_NodeWithOwnAdistance_GetsItsTierWhichIsRemovedWhenEmpty()
    {
        var k = Small(s => s.Nodes[1].Adistance = 2880);
        Assert.Equal(Errno.None, k.AddMemory(1, 8 * GiB, GiB, OnlineType.OnlineMovable));
        Assert.Equal("1\n", k.Cat($"{Tiering}/memory_tier22/nodelist"));
        Assert.Equal(Errno.None, k.Sysfs.List(Tiering, out var names));
        Assert.Contains("memory_tier22", names);
        for (long b = 64; b < 72; b++)
        {
            Assert.Equal(Errno.None, k.Echo($"{Mem}/memory{b}/state", "offline"));
        }

        Assert.Equal(Errno.ENOENT, k.Sysfs.Read($"{Tiering}/memory_tier22/nodelist", out _));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/bus/memory_tiering/devices/memory_tier22/nodelist", out _));
        Assert.Equal("0\n", k.Cat($"{Tiering}/memory_tier4/nodelist"));
        k.AssertConsistent();
    }

    [Fact]
    public void Tier_DriverMemoryTypeOnNode_WinsOverDram()
    {
        // What kmem does: init_node_memory_type(node, its type) before hot-adding.
        var k = Small();
        var type = k.Tiers.MtGetMemoryType(MemoryTiers.AdistanceDaxDefault).Sync();
        k.Tiers.InitNodeMemoryType(1, type).Sync();
        Assert.Equal(Errno.None, k.AddMemory(1, 8 * GiB, GiB, OnlineType.OnlineMovable));
        Assert.Equal("1\n", k.Cat($"{Tiering}/memory_tier22/nodelist"));
        Assert.Same(type, k.Tiers.NodeType(1));
        k.AssertConsistent();
    }

    [Fact]
    public void MtGetMemoryType_SharesOneTypePerAdistance()
    {
        var k = Small();
        var a = k.Tiers.MtGetMemoryType(2880).Sync();
        var b = k.Tiers.MtGetMemoryType(2880).Sync();
        var c = k.Tiers.MtGetMemoryType(1000).Sync();
        Assert.Same(a, b);
        Assert.NotSame(a, c);
        Assert.Equal(2, a.RefCount);
        MemoryTiers.PutMemoryType(a);
        MemoryTiers.PutMemoryType(b);
        Assert.True(a.Freed);
        var d = k.Tiers.MtGetMemoryType(2880).Sync();
        Assert.NotSame(a, d);
        Assert.Equal(1, d.RefCount);
    }

    [Fact]
    public void MtFindAllocMemoryType_PerListDedup()
    {
        var list = new List<MemoryType>();
        var a = MemoryTiers.MtFindAllocMemoryType(2880, list);
        Assert.Same(a, MemoryTiers.MtFindAllocMemoryType(2880, list));
        Assert.NotSame(a, MemoryTiers.MtFindAllocMemoryType(2880, []));
        MemoryTiers.MtPutMemoryTypes(list);
        Assert.Empty(list);
        Assert.True(a.Freed);
    }

    [Fact]
    public void ClearNodeMemoryType_DropsTypeAtMapCountZero()
    {
        var k = Small();
        var type = k.Tiers.MtGetMemoryType(2880).Sync();
        k.Tiers.InitNodeMemoryType(1, type).Sync();
        Assert.Equal(1, k.Tiers.NodeMapCount(1));
        Assert.Equal(2, type.RefCount);
        k.Tiers.ClearNodeMemoryType(1, type).Sync();
        Assert.Null(k.Tiers.NodeType(1));
        Assert.Equal(1, type.RefCount);
    }
}
