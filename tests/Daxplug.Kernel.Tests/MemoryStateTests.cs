using Daxplug.Kernel.Locking;
using static Daxplug.TestKit.TestKernel;

namespace Daxplug.Kernel.Tests;

/// <summary>Every row of docs/kernel-abi.md §1.3, through the sysfs text surface.</summary>
public class MemoryStateTests
{
    [Theory]
    [InlineData("bogus")]
    [InlineData(" online_movable")]
    [InlineData("Online")]
    [InlineData("going-offline")]
    [InlineData("online\n\n")]
    public void StateStore_UnknownValue_IsEinvalAndUnchanged(string value)
    {
        var k = Default();
        Assert.Equal(Errno.EINVAL, k.Echo($"{Mem}/memory40/state", value));
        Assert.Equal("online", k.State(40));
        k.AssertConsistent();
    }

    [Theory]
    [InlineData("online")]
    [InlineData("online_kernel")]
    [InlineData("online_movable")]
    public void StateStore_OnlineOnOnlineBlock_IsEinval(string value)
    {
        var k = Default();
        Assert.Equal(Errno.EINVAL, k.Echo($"{Mem}/memory40/state", value + "\n"));
        Assert.Equal("Normal", k.Zones(40));
    }

    [Fact]
    public void StateStore_OfflineTwice_SecondIsEinval()
    {
        var k = Default();
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory40/state", "offline\n"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Mem}/memory40/state", "offline\n"));
        Assert.Equal("offline", k.State(40));
        Assert.Equal("0\n", k.Cat($"{Mem}/memory40/online"));
        k.AssertConsistent();
    }

    [Fact]
    public void OnlineStore_SameState_Succeeds()
    {
        var k = Default();
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory40/online", "1\n"));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory40/online", "0\n"));
        Assert.Equal("offline", k.State(40));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory40/online", "0"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Mem}/memory40/online", "2"));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory40/online", "yes"));
        Assert.Equal("online", k.State(40));
        Assert.Equal("1\n", k.Cat($"{Mem}/memory40/online"));
        k.AssertConsistent();
    }

    [Fact]
    public void Offline_BlockSpanningZones_IsEinval()
    {
        var k = Default();
        Assert.Equal("none", k.Zones(0));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Mem}/memory0/state", "offline"));
        Assert.Equal("online", k.State(0));
    }

    [Fact]
    public void Offline_BlockWithHoles_IsEinval()
    {
        // node0's RAM ends 64 MiB into block 47: one zone, but with a hole.
        var k = Small(s => s.Nodes[0].Memory[2] = "0x100000000-0x17bffffff");
        Assert.Equal("Normal", k.Zones(47));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Mem}/memory47/state", "offline"));
        Assert.Equal("online", k.State(47));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory40/state", "offline"));
        k.AssertConsistent();
    }

    [Fact]
    public void Offline_UnmovablePages_IsEbusyAndLogsDump()
    {
        var k = Default();
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory40/unmovable", "1"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{Mem}/memory40/state", "offline"));
        Assert.Equal("online", k.State(40));
        Assert.Contains(k.Log.Records, r => r.Text == "page dumped because: unmovable page");
        Assert.Equal(Errno.EBUSY, k.Echo($"{Mem}/memory40/online", "0"));
        k.AssertConsistent();
    }

    [Theory]
    [InlineData("MEM_GOING_OFFLINE", "offline", "-12", Errno.ENOMEM)]
    [InlineData("MEM_GOING_ONLINE", "online_movable", "-16", Errno.EBUSY)]
    [InlineData("MEM_GOING_ONLINE", "online", "-5", Errno.EIO)]
    public void NotifierErrorInject_VetoesWithItsErrno(string action, string request, string error, Errno expected)
    {
        var k = Default();
        if (request != "offline")
        {
            Assert.Equal(Errno.None, k.Echo($"{Mem}/memory200/state", "offline"));
        }

        var before = k.State(200);
        var zonesBefore = k.Zones(200);
        var inject = $"/sys/kernel/debug/notifier-error-inject/memory/actions/{action}/error";
        Assert.Equal(Errno.None, k.Echo(inject, error + "\n"));
        Assert.Equal(error + "\n", k.Cat(inject));
        Assert.Equal(expected, k.Echo($"{Mem}/memory200/state", request));
        Assert.Equal(before, k.State(200));
        Assert.Equal(zonesBefore, k.Zones(200));
        Assert.Contains(k.Log.Records, r => r.Text == $"Injecting error ({error}) to {action}");
        k.AssertConsistent();

        Assert.Equal(Errno.None, k.Echo(inject, "0"));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory200/state", request));
        k.AssertConsistent();
    }

    [Theory]
    [InlineData("1", "0")]
    [InlineData("-5000", "-4095")]
    [InlineData("-12", "-12")]
    public void NotifierErrorInject_ClampsToMinusMaxErrnoAndZero(string written, string read)
    {
        var k = Default();
        var inject = "/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error";
        Assert.Equal(Errno.None, k.Echo(inject, written));
        Assert.Equal(read + "\n", k.Cat(inject));
        Assert.Equal(Errno.EINVAL, k.Echo(inject, "x"));
    }

    [Fact]
    public void Offline_SignalPending_IsEintr()
    {
        var k = Default();
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory41/signal_pending", "1"));
        Assert.Equal(Errno.EINTR, k.Echo($"{Mem}/memory41/state", "offline"));
        Assert.Equal("online", k.State(41));
        k.AssertConsistent();
    }

    [Fact]
    public void Online_HwPoison_IsEhwpoison()
    {
        var k = Default();
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory41/state", "offline"));
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory41/hwpoison", "1"));
        Assert.Equal(Errno.EHWPOISON, k.Echo($"{Mem}/memory41/state", "online"));
        Assert.Equal("offline", k.State(41));
        k.AssertConsistent();
    }

    [Fact]
    public void Offline_InProgress_ReadsGoingOfflineThenRevertsOnFailure()
    {
        var k = Default();
        Assert.Equal(Errno.None, k.Echo("/sys/kernel/debug/daxplug/memory/memory42/signal_pending", "1"));
        var seen = new List<string>();
        k.Scheduler = new Spy(point =>
        {
            if (point.StartsWith("offline_pages", StringComparison.Ordinal))
            {
                seen.Add(k.State(42) + "/" + k.Zones(42));
            }
        });
        Assert.Equal(Errno.EINTR, k.Echo($"{Mem}/memory42/state", "offline"));
        // While going offline, valid_zones takes the offline branch (state != MEM_ONLINE).
        Assert.Equal(["going-offline/Normal Movable"], seen);
        Assert.Equal("online", k.State(42));
        Assert.Equal("Normal", k.Zones(42));
    }

    [Fact]
    public void Online_WrongZone_IsNoError()
    {
        var k = Default();
        for (long b = 257; b <= 268; b++)
        {
            Assert.Equal(Errno.None, k.Echo($"{Mem}/memory{b}/state", "offline"));
        }

        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory265/state", "online_movable"));
        Assert.Equal(Errno.None, k.Echo($"{Mem}/memory266/state", "online_kernel"));
        Assert.Equal("Movable", k.Zones(265));
        Assert.Equal("Normal", k.Zones(266));
        k.AssertConsistent();
    }

    /// <summary>A scheduler that runs real threads and reports each scheduling point.</summary>
    internal sealed class Spy(Action<string> onPoint) : IKernelScheduler
    {
        public List<KernelMutex> Held => ThreadScheduler.Instance.Held;

        public ValueTask Point(string what)
        {
            onPoint(what);
            return ValueTask.CompletedTask;
        }

        public ValueTask Acquire(KernelMutex mutex) => ThreadScheduler.Instance.Acquire(mutex);

        public ValueTask Release(KernelMutex mutex) => ThreadScheduler.Instance.Release(mutex);
    }
}

public class MemoryBlocksTests
{
    [Fact]
    public void Find_SeesAddsAndRemoves_AtAnyId_AndNothingElse()
    {
        var blocks = new Daxplug.Kernel.Memory.MemoryBlocks();
        long[] ids = [0, 63, 64, 4095, 4096, 524_287, 33_554_431];
        var made = ids.ToDictionary(id => id, id => new Daxplug.Kernel.Memory.MemoryBlock(id, (ulong)id * 32768, 32768, 0, null, early: false));
        foreach (var id in ids)
        {
            Assert.Null(blocks.Find(id));
            blocks.Add(made[id]);
        }

        Assert.All(ids, id => Assert.Same(made[id], blocks.Find(id)));
        Assert.Null(blocks.Find(-1));
        Assert.Null(blocks.Find(1));
        Assert.Null(blocks.Find(33_554_432));
        Assert.Equal(ids, blocks.Ids());
        Assert.Equal(ids.Length, blocks.Count);

        blocks.Remove(made[64]);
        Assert.Null(blocks.Find(64));
        Assert.Same(made[63], blocks.Find(63));
        var again = new Daxplug.Kernel.Memory.MemoryBlock(64, 64 * 32768, 32768, 0, null, early: false);
        blocks.Add(again);
        Assert.Same(again, blocks.Find(64));
        Assert.Throws<InvalidOperationException>(() => blocks.Add(again));
    }
}
