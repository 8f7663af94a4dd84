using Daxplug.Control.Discovery;
using Daxplug.Control.Transitions;
using Daxplug.Kernel;

namespace Daxplug.Control.Tests;

/// <summary>What recover does with journals it did not expect, and what a pending journal does to other verbs.</summary>
public sealed class RecoverTests : IDisposable
{
    private readonly TempDir tmp = new();

    public void Dispose() => tmp.Dispose();

    private static List<string> Blocks(TestSysfs s, string dev) =>
        Discover.Device(s, dev)!.Blocks.Select(b => $"{b.Id}:{b.State}:{b.Zone}").ToList();

    private static string BlockState(TestSysfs s, long id) => s.Kernel.Sysfs.Read($"/sys/devices/system/memory/memory{id}/state", out var t) == Errno.None ? t.Trim() : "gone";

    [Fact]
    public void AJournalListingBlocksOutsideTheDevice_IsRefused_AndBootMemoryIsUntouched()
    {
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        var dir = new StateDir(tmp.Path);
        // A journal that names dax0.0 but lists two blocks of boot memory, as offline before the transaction.
        dir.Journal(s).Write(new JournalRecord(s.Describe, "dax0.0", "online_movable", DateTimeOffset.UtcNow,
            [new BlockSnapshot(1, false, null), new BlockSnapshot(2, false, null)]));
        var outcome = new Controller(s, dir).Recover();
        Assert.Equal(OutcomeCode.RolledBack, outcome.Code);
        Assert.Contains("lists memory1-2 (2 blocks), which are not in dax0.0's ranges", outcome.Message);
        Assert.Equal(("online", "online"), (BlockState(s, 1), BlockState(s, 2)));
        Assert.Equal(0, s.Writes);
        Assert.NotNull(dir.Journal(s).Read());
    }

    [Fact]
    public void KilledRightAfterTheUnbindOfAnUnplug_RecoverSeesItCompleted_InOneShortLine()
    {
        var s = TestSysfs.Boot(AbiProfile.NoAttribute, machine: "tib");
        var dir = new StateDir(tmp.Path);
        var c = new Controller(s, dir);
        Assert.Equal(OutcomeCode.Done, c.Set("dax0.0", DeviceState.OnlineMovable).Code);
        s.AfterWrite = (path, _) =>
        {
            if (path.EndsWith("/kmem/unbind", StringComparison.Ordinal))
            {
                throw new OperationCanceledException("killed");
            }
        };
        Assert.Throws<OperationCanceledException>(() => c.Set("dax0.0", DeviceState.Unplugged));
        s.AfterWrite = null;

        var outcome = c.Recover();
        Assert.Equal(OutcomeCode.Done, outcome.Code);
        Assert.Equal("dax0.0: the interrupted 'set dax0.0 unplugged' had completed; now unplugged; journal removed", outcome.Message);
        Assert.Null(dir.Journal(s).Read());
        Assert.Equal("nothing to recover", c.Recover().Message);
    }

    [Fact]
    public void AJournalNoTransactionCouldHaveLeft_IsRefused_InOneShortLine_AndStays()
    {
        // Mainline, dax0.0 unplugged (kmem unbound, 256 blocks gone) but a journal says an online_movable was under
        // way from all-online: nothing but an unplug removes blocks, so the journal and the device disagree.
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        var dir = new StateDir(tmp.Path);
        var c = new Controller(s, dir);
        var blocks = Discover.Device(s, "dax0.0")!.Blocks.Select(b => new BlockSnapshot(b.Id, true, "Normal")).ToList();
        Assert.Equal(OutcomeCode.Done, c.Set("dax0.0", DeviceState.Unplugged).Code);
        dir.Journal(s).Write(new JournalRecord(s.Describe, "dax0.0", "online_movable", DateTimeOffset.UtcNow, blocks));
        int writes = s.Writes;
        var outcome = c.Recover();
        Assert.Equal(OutcomeCode.RolledBack, outcome.Code);
        Assert.Contains("disagrees with dax0.0 (blocks gone, which 'set dax0.0 online_movable' does not do without the kernel's attribute)", outcome.Message);
        Assert.True(outcome.Message.Length < 400, outcome.Message);
        Assert.Equal(writes, s.Writes);
        Assert.NotNull(dir.Journal(s).Read());
    }

    [Fact]
    public void AJournalThatCannotBeRead_BlocksEveryChange_AndIsLeftAsItIs()
    {
        var s = TestSysfs.Boot(AbiProfile.Hotplug);
        var dir = new StateDir(tmp.Path);
        var path = dir.Journal(s).Path;
        Directory.CreateDirectory(tmp.Path);
        File.WriteAllText(path, "{\"sysfs\": \"test-model\", \"device\": \"dax0.0\", \"target\": \"online\", \"started\": \"2026-12-03T00:00:00Z\", \"blocks\": [{\"id\": 5, \"online\": true, \"zone\": null}]}");
        var c = new Controller(s, dir);
        foreach (var outcome in new[] { c.Set("dax1.0", DeviceState.OnlineMovable), c.Recover(), new Controller(s, dir) { RecoverFirst = true }.Set("dax1.0", DeviceState.Online) })
        {
            Assert.Equal(OutcomeCode.RolledBack, outcome.Code);
            Assert.StartsWith($"{path}: blocks[0]: an online block needs a zone", outcome.Message.Replace("--recover: ", ""));
        }

        Assert.Equal(0, s.Writes);
        Assert.Contains("\"id\": 5", File.ReadAllText(path));
        Assert.StartsWith($"{path}: blocks[0]", c.PendingNote()!.What);
    }

    [Fact]
    public void WithRecoverFirst_TheInterruptedTransactionIsUndone_ThenTheNewOneRuns()
    {
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        var dir = new StateDir(tmp.Path);
        var c = new Controller(s, dir);
        Assert.Equal(OutcomeCode.Done, c.Set("dax1.0", DeviceState.OnlineMovable).Code);
        var before = Blocks(s, "dax1.0");
        s.AfterWrite = (path, _) =>
        {
            if (path.EndsWith("memory1160/state", StringComparison.Ordinal))
            {
                throw new OperationCanceledException("killed");
            }
        };
        Assert.Throws<OperationCanceledException>(() => c.Set("dax1.0", DeviceState.Unplugged));
        s.AfterWrite = null;
        Assert.Contains("an interrupted 'set dax1.0 unplugged'", c.PendingNote()!.What);
        Assert.Equal(OutcomeCode.RolledBack, c.Set("dax0.0", DeviceState.OnlineMovable).Code);

        var outcome = new Controller(s, dir) { RecoverFirst = true }.Set("dax0.0", DeviceState.OnlineMovable);
        Assert.Equal(OutcomeCode.Done, outcome.Code);
        Assert.Equal("dax1.0: rolled back the interrupted 'set dax1.0 unplugged' (73 block(s) restored); now online_movable\ndax0.0: offline -> online_movable", outcome.Message);
        Assert.Equal(before, Blocks(s, "dax1.0"));
        Assert.Null(c.PendingNote());
    }

    [Fact]
    public void ABlockMovedAgainWhileRecoverPutsItBack_IsReported_AndTheJournalStays()
    {
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        var dir = new StateDir(tmp.Path);
        var c = new Controller(s, dir);
        Assert.Equal(OutcomeCode.Done, c.Set("dax1.0", DeviceState.OnlineMovable).Code);
        s.AfterWrite = (path, _) =>
        {
            if (path.EndsWith("memory1030/state", StringComparison.Ordinal))
            {
                throw new OperationCanceledException("killed");
            }
        };
        Assert.Throws<OperationCanceledException>(() => c.Set("dax1.0", DeviceState.Unplugged));
        // A udev-style agent offlines memory1024 again right after recover onlines it.
        s.AfterWrite = (path, value) =>
        {
            if (path.EndsWith("memory1024/state", StringComparison.Ordinal) && value == "online_movable")
            {
                s.Poke(path, "offline");
            }
        };
        var outcome = c.Recover();
        s.AfterWrite = null;
        Assert.Equal(OutcomeCode.Stranded, outcome.Code);
        Assert.Contains("memory1024: offline after restoring it (was online (Movable))", outcome.Message);
        Assert.NotNull(dir.Journal(s).Read());
        Assert.Equal(OutcomeCode.Done, c.Recover().Code);
        Assert.Equal("online_movable", Discover.Device(s, "dax1.0")!.State.Name);
    }

    [Theory]
    [InlineData("unplugged")]
    [InlineData("online_movable")]
    public void AJournalThatListsNoBlocks_NeverUnplugsAnOnlineDevice(string target)
    {
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        var dir = new StateDir(tmp.Path);
        var c = new Controller(s, dir);
        Assert.Equal(OutcomeCode.Done, c.Set("dax1.0", DeviceState.OnlineMovable).Code);
        dir.Journal(s).Write(new JournalRecord(s.Describe, "dax1.0", target, DateTimeOffset.UtcNow, []));
        int writes = s.Writes;
        var outcome = c.Recover();
        Assert.Equal("online_movable", Discover.Device(s, "dax1.0")!.State.Name);
        Assert.Equal(writes, s.Writes);
        if (target == "unplugged")
        {
            Assert.Equal(OutcomeCode.RolledBack, outcome.Code);
            Assert.Contains("disagrees with dax1.0 (an unplug of a device that had no blocks)", outcome.Message);
            Assert.NotNull(dir.Journal(s).Read());
        }
        else
        {
            Assert.Equal(OutcomeCode.Done, outcome.Code);
            Assert.Contains("had completed", outcome.Message);
        }
    }

    [Fact]
    public void OnThisMachinesKernel_AJournalWrittenForAModel_IsRefused()
    {
        // An older daxplug kept --sim's journal in transaction.json too: it must never be applied to /sys.
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        s.IsHost = true;
        var dir = new StateDir(tmp.Path);
        Assert.Equal("transaction.json", Path.GetFileName(dir.Journal(s).Path));
        var blocks = Discover.Device(s, "dax1.0")!.Blocks.Select(b => new BlockSnapshot(b.Id, true, "Movable")).ToList();
        dir.Journal(s).Write(new JournalRecord("model:default", "dax1.0", "unplugged", DateTimeOffset.UtcNow, blocks));
        var outcome = new Controller(s, dir).Recover();
        Assert.Equal(OutcomeCode.RolledBack, outcome.Code);
        Assert.Contains("is the journal of model:default", outcome.Message);
        Assert.Equal(0, s.Writes);
    }

    [Fact]
    public void DryRun_OfWhatIsAlreadyTrue_SaysSo()
    {
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        var c = new Controller(s, new StateDir(tmp.Path));
        Assert.Equal(OutcomeCode.Done, c.Set("dax1.0", DeviceState.OnlineMovable).Code);
        Assert.Equal("dax1.0: already online_movable: would do nothing", c.Plan("dax1.0", DeviceState.OnlineMovable).Message);
        Assert.Equal("dax1.0: online_movable -> unplugged: would offline 128 block(s), then unbind dax1.0 from kmem", c.Plan("dax1.0", DeviceState.Unplugged).Message);
    }

    [Fact]
    public void ADeviceUnboundMeanwhile_IsRefusedUnderTheLock_NotReportedAsDone()
    {
        // Item 5 of issue 14: a set that waited for another daxplug's unplug must look at the device again.
        var s = TestSysfs.Boot(AbiProfile.NoAttribute);
        var c = new Controller(s, new StateDir(tmp.Path));
        Assert.Equal(OutcomeCode.Done, c.Set("dax0.0", DeviceState.Unplugged).Code);
        var outcome = c.Set("dax0.0", DeviceState.OnlineMovable);
        Assert.Equal(OutcomeCode.RolledBack, outcome.Code);
        Assert.Contains("not bound to kmem", outcome.Message);
    }
}
