using System.Text;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Tests;

public class SysfsTreeTests
{
    private const string Block40 = "/sys/devices/system/memory/memory40";

    [Fact]
    public void BlockDirectory_OfABlockRemovedAndAddedAgain_IsTheNewBlocks()
    {
        // Block directories are kept for reuse; one kept for a removed block must not answer for its successor.
        var k = TestKernel.Default();
        const string Block = "/sys/devices/system/memory/memory1024";
        Assert.Equal("offline\n", k.Cat($"{Block}/state"));
        Assert.True(k.Sysfs.Write("/sys/bus/dax/devices/dax1.0/hotplug", "unplug\n") > 0);
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read($"{Block}/state", out _));
        Assert.True(k.Sysfs.Write("/sys/bus/dax/devices/dax1.0/hotplug", "online_movable\n") > 0);

        Assert.Equal("online\n", k.Cat($"{Block}/state"));
        Assert.True(k.Sysfs.Write($"{Block}/state", "offline\n") > 0);
        Assert.Equal(Daxplug.Kernel.Memory.MemoryBlockState.Offline, k.Blocks.Find(1024)!.State);
        Assert.Equal("offline\n", k.Cat($"{Block}/state"));
    }

    [Fact]
    public void LazyDirectory_IsFilledInOnce_OnFirstUse_InOrder_AndNoThreadSeesItHalfDone()
    {
        int populated = 0;
        var root = new KernfsDir("");
        root.Dir("a").Lazy("lazy", dir =>
        {
            Interlocked.Increment(ref populated);
            for (int i = 0; i < 50; i++)
            {
                dir.Dir($"d{i}").Add(KernfsAttribute.ReadOnly("x", () => "1\n"));
                Thread.SpinWait(2000);
            }
        }).Add(KernfsAttribute.ReadOnly("after", () => "2\n"));
        var tree = new SysfsTree(root);
        Assert.Equal(0, populated);
        Assert.Equal(Errno.None, tree.List("/sys/a", out var names));
        Assert.Equal(["lazy", "after"], names);
        Assert.Equal(0, populated);

        // Eight threads race to the first lookup; every one must find the last entry populate adds.
        var found = new Errno[8];
        using var start = new Barrier(found.Length);
        var threads = Enumerable.Range(0, found.Length).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            found[t] = tree.Read("/sys/a/lazy/d49/x", out _);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.All(found, rc => Assert.Equal(Errno.None, rc));
        Assert.Equal(1, populated);
        Assert.Equal(Errno.None, tree.List("/sys/a/lazy", out names));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"d{i}"), names);
        Assert.Equal(1, populated);
    }

    [Fact]
    public void Open_WriteOfReadOnlyAttribute_IsEaccesEvenForRoot()
    {
        var k = TestKernel.Default();
        Assert.Equal(Errno.EACCES, k.Sysfs.Open($"{Block40}/valid_zones", read: false, write: true));
        Assert.Equal(Errno.EACCES, k.Sysfs.Open("/sys/module/memory_hotplug/parameters/memmap_on_memory", read: true, write: true));
        Assert.Equal(-(int)Errno.EACCES, k.Sysfs.Write($"{Block40}/phys_index", "1\n"));
    }

    [Fact]
    public void Open_ReadOfWriteOnlyAttribute_IsEacces()
    {
        var k = TestKernel.Default();
        Assert.Equal(Errno.EACCES, k.Sysfs.Open("/sys/bus/memory/uevent", read: true, write: false));
        Assert.Equal(Errno.None, k.Sysfs.Open("/sys/bus/memory/uevent", read: false, write: true));
    }

    [Fact]
    public void Write_ZeroLength_ReturnsZeroWithoutStore()
    {
        var k = TestKernel.Default();
        Assert.Equal(0, k.Sysfs.Write($"{Block40}/state", ReadOnlySpan<byte>.Empty));
        Assert.Equal("online", k.State(40));
    }

    [Fact]
    public void Write_TrailingNul_IsAcceptedAndCounted()
    {
        var k = TestKernel.Default();
        var bytes = Encoding.ASCII.GetBytes("offline\0");
        Assert.Equal(bytes.Length, k.Sysfs.Write($"{Block40}/state", bytes));
        Assert.Equal("offline", k.State(40));
    }

    [Fact]
    public void Write_OverPageSize_StoreSeesFirst4096Bytes()
    {
        var k = TestKernel.Default();
        // "offline" followed by padding: the store sees 4096 bytes that are not a valid value.
        var big = Encoding.ASCII.GetBytes("offline" + new string('\n', 5000));
        Assert.Equal(-(int)Errno.EINVAL, k.Sysfs.Write($"{Block40}/state", big));
        var nul = Encoding.ASCII.GetBytes("offline\0" + new string('x', 5000));
        Assert.Equal(SysfsTree.PageSize, k.Sysfs.Write($"{Block40}/state", nul));
        Assert.Equal("offline", k.State(40));
    }

    [Fact]
    public void Lookup_FollowsRelativeSymlinks()
    {
        var k = TestKernel.Default();
        Assert.Equal("0-7\n", k.Cat("/sys/bus/memory/devices/memory40/node0/cpulist"));
        Assert.Equal("online\n", k.Cat("/sys/devices/system/node/node0/memory40/state"));
        Assert.Equal(Errno.None, k.Sysfs.Lookup("/sys/devices/system/memory/memory40/subsystem", out var link, followLast: false));
        Assert.Equal("../../../../bus/memory", Assert.IsType<KernfsLink>(link).Target);
    }

    [Fact]
    public void Lookup_Missing_IsEnoentAndFileAsDir_IsEnotdir()
    {
        var k = TestKernel.Default();
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/devices/system/memory/memory9999/state", out _));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/devices/system/memory/memory040/state", out _));
        Assert.Equal(Errno.ENOTDIR, k.Sysfs.Read($"{Block40}/state/x", out _));
    }

    [Fact]
    public void Reads_EndInOneNewline()
    {
        var k = TestKernel.Default();
        foreach (var file in new[] { "state", "online", "phys_index", "phys_device", "removable", "valid_zones" })
        {
            var text = k.Cat($"{Block40}/{file}");
            Assert.EndsWith("\n", text);
            Assert.False(text.EndsWith("\n\n", StringComparison.Ordinal), file);
        }
    }

    [Fact]
    public void List_MemoryDirectory_HasRootFilesAndBlocks()
    {
        var k = TestKernel.Default();
        Assert.Equal(Errno.None, k.Sysfs.List("/sys/devices/system/memory", out var names));
        Assert.Contains("block_size_bytes", names);
        Assert.Contains("auto_online_blocks", names);
        Assert.Contains("memory0", names);
        Assert.DoesNotContain("memory16", names);
        Assert.Equal(k.Blocks.Count, names.Count(n => n.StartsWith("memory", StringComparison.Ordinal)));
    }
}
