using Daxplug.Control.Discovery;
using Daxplug.Control.Transitions;
using Daxplug.Kernel;

namespace Daxplug.Control.Tests;

/// <summary>
/// daxplug killed at many points of a transaction on a 1 TiB device (the tib machine's dax0.0, 8192 blocks), then
/// another set, then recover: the other set refuses and leaves the journal, and recover leaves the device whole,
/// as it was or as the transaction meant it. A kill is an exception thrown right after the Nth sysfs write has
/// reached the kernel; the controller has no catch or finally that acts on sysfs, so nothing runs after it, as
/// after SIGKILL.
/// </summary>
public sealed class KillPointTests : IDisposable
{
    private const string Device = "dax0.0";
    private const int PointsPerTransition = 30;
    private readonly TempDir tmp = new();

    public void Dispose() => tmp.Dispose();

    private sealed class Killed() : Exception("killed");

    [Theory]
    [InlineData(AbiProfile.NoAttribute, "offline", "online_movable")]
    [InlineData(AbiProfile.NoAttribute, "online_movable", "unplugged")]
    [InlineData(AbiProfile.Hotplug, "online_movable", "unplugged")]
    public void KilledAnywhere_AnotherSetRefuses_RecoverLeavesTheDeviceWhole(AbiProfile abi, string from, string to)
    {
        var s = TestSysfs.Boot(abi, machine: "tib");
        var dir = new StateDir(tmp.Path);
        var controller = new Controller(s, dir);
        Assert.Equal(OutcomeCode.Done, Bring(s, controller, from).Code);
        var before = Blocks(s);

        // How many writes the whole transaction makes, so that the kill points span all of it.
        int writes = Writes(s, () => Assert.Equal(OutcomeCode.Done, controller.Set(Device, DeviceState.Parse(to)!).Code));
        Assert.True(writes >= 8192, $"{writes} writes");
        var after = Blocks(s);
        var points = Enumerable.Range(0, PointsPerTransition).Select(i => 1 + (int)((long)(writes - 1) * i / (PointsPerTransition - 1))).ToList();

        int rolledBack = 0, completed = 0;
        foreach (var point in points)
        {
            Assert.Equal(OutcomeCode.Done, Bring(s, controller, from).Code);
            Assert.Equal(before, Blocks(s));
            KillAt(s, point, () => controller.Set(Device, DeviceState.Parse(to)!));
            var split = Blocks(s);
            Assert.NotNull(dir.Journal(s).Read());

            // Another set, with any target, refuses: nothing changes and the journal stays.
            var other = controller.Set(Device, DeviceState.Parse(to == "unplugged" ? "online" : "unplugged")!);
            Assert.Equal(OutcomeCode.RolledBack, other.Code);
            Assert.Contains("run 'daxplug recover' first", other.Message);
            Assert.Equal(split, Blocks(s));
            Assert.NotNull(dir.Journal(s).Read());

            var recovered = controller.Recover();
            Assert.True(recovered.Code == OutcomeCode.Done, $"kill after write {point}: {recovered.Message}");
            Assert.True(recovered.Message.Length < 300, recovered.Message);
            Assert.Null(dir.Journal(s).Read());
            var now = Blocks(s);
            Assert.True(now.SequenceEqual(before) || now.SequenceEqual(after), $"kill after write {point}: {Discover.Device(s, Device)!.State} after recover");
            rolledBack += now.SequenceEqual(before) ? 1 : 0;
            completed += now.SequenceEqual(after) ? 1 : 0;
            Assert.Empty(Invariants.Check(s.Kernel));
        }

        // The first point can only be rolled back and the last (past the final write) only completed.
        Assert.True(rolledBack > 0 && completed > 0, $"rolled back {rolledBack}, completed {completed}");
    }

    [Theory]
    [InlineData(AbiProfile.NoAttribute)]
    [InlineData(AbiProfile.Hotplug)]
    public void RecoverKilledAnywhere_ThenRecoverAgain_LeavesTheDeviceWhole(AbiProfile abi)
    {
        var s = TestSysfs.Boot(abi, machine: "tib");
        var dir = new StateDir(tmp.Path);
        var controller = new Controller(s, dir);
        Assert.Equal(OutcomeCode.Done, controller.Set(Device, DeviceState.OnlineMovable).Code);
        var before = Blocks(s);
        foreach (var (first, second) in new[] { (4000, 1), (4000, 2000), (8000, 4000), (8000, 7999), (100, 50) })
        {
            KillAt(s, first, () => controller.Set(Device, DeviceState.Unplugged));
            KillAt(s, second, () => controller.Recover());
            Assert.NotNull(dir.Journal(s).Read());
            var outcome = controller.Recover();
            Assert.True(outcome.Code == OutcomeCode.Done, outcome.Message);
            Assert.Equal(before, Blocks(s));
            Assert.Equal("nothing to recover", controller.Recover().Message);
        }
    }

    // Back to where a transition starts, by the shortest way: without the attribute an unplugged device is bound
    // to kmem again (its blocks come back offline), and "offline" is each block offlined by hand.
    private static Outcome Bring(TestSysfs s, Controller controller, string state)
    {
        var dev = Discover.Device(s, Device)!;
        if (dev.Blocks.Count == 0 && dev.Attribute is null)
        {
            s.Poke("/sys/bus/dax/drivers/kmem/bind", Device);
        }

        if (state == "online" && dev.Attribute is not null)
        {
            // "online" is already true of a device online in ZONE_MOVABLE: unplug it first, to come back in the
            // kernel's zone.
            controller.Set(Device, DeviceState.Unplugged);
        }

        if (state != "offline")
        {
            return controller.Set(Device, DeviceState.Parse(state)!);
        }

        foreach (var b in Discover.Device(s, Device)!.Blocks.Where(b => b.Online))
        {
            s.Poke($"/sys/devices/system/memory/memory{b.Id}/state", "offline");
        }

        return new Outcome(Discover.Device(s, Device)!.State == DeviceState.Offline ? OutcomeCode.Done : OutcomeCode.Stranded, "offline by hand", []);
    }

    private static int Writes(TestSysfs s, Action action)
    {
        int start = s.Writes;
        action();
        return s.Writes - start;
    }

    // Runs the action and kills it right after its Nth write; the action must not finish first.
    private static void KillAt(TestSysfs s, int n, Action action)
    {
        int at = s.Writes + n;
        s.AfterWrite = (_, _) =>
        {
            if (s.Writes == at)
            {
                throw new Killed();
            }
        };
        try
        {
            Assert.Throws<Killed>(action);
        }
        finally
        {
            s.AfterWrite = null;
        }
    }

    private static List<string> Blocks(TestSysfs s) =>
        Discover.Device(s, Device)!.Blocks.Select(b => $"{b.Id}:{b.State}:{b.Zone}").ToList();
}
