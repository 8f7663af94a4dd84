using System.Text;
using Daxplug.Kernel;
using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Machines;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Lab.Tests;

/// <summary>The deterministic scheduler: same seed, same schedule; a trace replays; deadlocks are reported.</summary>
public class SchedulerTests
{
    /// <summary>An attribute writer and a per-block offliner on dax1.0 (two ranges), on the contract profile.</summary>
    private static (DeterministicScheduler Scheduler, KernelModel Kernel, List<string> Results) Scenario(IStrategy strategy)
    {
        var k = MachineBuilder.Build(BuiltinMachines.Load("default"), AbiProfile.Hotplug);
        var s = new DeterministicScheduler(strategy);
        var results = new List<string>();
        int Write(string path, string value) => k.Sysfs.Write(path, Encoding.ASCII.GetBytes(value + "\n"));
        s.Spawn("attribute", () =>
        {
            results.Add($"online_movable:{Write("/sys/bus/dax/devices/dax1.0/hotplug", "online_movable")}");
            results.Add($"unplug:{Write("/sys/bus/dax/devices/dax1.0/hotplug", "unplug")}");
        });
        s.Spawn("offliner", () =>
        {
            foreach (var b in new[] { 1030, 1160 })
            {
                results.Add($"memory{b}:{Write($"/sys/devices/system/memory/memory{b}/state", "offline")}");
            }
        });
        k.Scheduler = s;
        return (s, k, results);
    }

    private static string Fingerprint(KernelModel k) =>
        string.Join(",", k.Blocks.All().Where(b => b.Id >= 1024).Select(b => $"{b.Id}:{b.State}:{b.Zone?.Name}")) + "|" + k.Sysfs.Read("/sys/bus/dax/devices/dax1.0/hotplug", out var t) + t;

    [Fact]
    public void ManySeeds_FinishWithInvariantsIntact_AndDifferentInterleavings()
    {
        var outcomes = new HashSet<string>();
        for (int seed = 0; seed < 60; seed++)
        {
            var (s, k, results) = Scenario(new RandomStrategy(seed));
            Assert.True(s.Run(TimeSpan.FromSeconds(30)), $"seed {seed}: {s.Failure}");
            k.Scheduler = ThreadScheduler.Instance;
            Assert.Empty(Invariants.Check(k));
            outcomes.Add(string.Join(";", results.Order()));
        }

        // The offliner's writes succeed or fail depending on when they run: the scheduler explores both.
        Assert.True(outcomes.Count > 1, "every seed gave the same outcome");
    }

    [Fact]
    public void SameSeed_SameTrace_AndATraceReplaysToTheSameState()
    {
        var (a, ka, _) = Scenario(new RandomStrategy(42));
        Assert.True(a.Run(TimeSpan.FromSeconds(30)), a.Failure);
        var (b, kb, _) = Scenario(new RandomStrategy(42));
        Assert.True(b.Run(TimeSpan.FromSeconds(30)), b.Failure);
        Assert.Equal(a.Trace, b.Trace);
        Assert.Equal(Fingerprint(ka), Fingerprint(kb));

        var (r, kr, _) = Scenario(new ReplayStrategy(a.Trace.Select(t => t.Agent).ToList()));
        Assert.True(r.Run(TimeSpan.FromSeconds(30)), r.Failure);
        Assert.Equal(a.Trace, r.Trace);
        Assert.Equal(Fingerprint(ka), Fingerprint(kr));
    }

    [Fact]
    public void AgentWaitingForALockNobodyWillRelease_IsADeadlock()
    {
        var s = new DeterministicScheduler(new RandomStrategy(1));
        var x = new KernelMutex("x", 1, () => s);
        // "leaker" exits holding x (a missing unlock); "waiter" can then never run.
        s.Spawn("leaker", () => x.Lock());
        s.Spawn("waiter", () => { s.Point("before"); x.Lock(); x.Unlock(); });
        var (runs, failure) = (s.Run(TimeSpan.FromSeconds(10)), s.Failure);
        Assert.False(runs);
        Assert.Equal("deadlock: waiter waits for x", failure);
    }

    [Fact]
    public void AnAgentThatBlocksOutsideTheScheduler_TimesOut_AndItsThreadServesLaterSchedules()
    {
        using var release = new ManualResetEventSlim();
        var s = new DeterministicScheduler(new RandomStrategy(1));
        s.Spawn("stuck", () => release.Wait());
        Assert.False(s.Run(TimeSpan.FromMilliseconds(100)));
        Assert.StartsWith("timeout", s.Failure);

        // The stuck agent ends after its schedule gave up on it; agent threads are reused, so later schedules
        // must still run (and nothing may throw on the late finish).
        release.Set();
        for (int seed = 0; seed < 20; seed++)
        {
            var next = new DeterministicScheduler(new RandomStrategy(seed));
            int points = 0;
            for (int a = 0; a < 3; a++)
            {
                next.Spawn($"a{a}", () =>
                {
                    next.Point("p");
                    Interlocked.Increment(ref points);
                });
            }

            Assert.True(next.Run(TimeSpan.FromSeconds(10)), next.Failure);
            Assert.Equal(3, points);
            Assert.Equal(6, next.Trace.Count); // start, each agent's point, and every exit but the last
        }
    }

    [Fact]
    public void LockOrderInversion_IsReported()
    {
        var failures = new HashSet<string>();
        for (int seed = 0; seed < 20; seed++)
        {
            var s = new DeterministicScheduler(new RandomStrategy(seed));
            var x = new KernelMutex("x", 1, () => s);
            var y = new KernelMutex("y", 2, () => s);
            s.Spawn("a", () => { x.Lock(); s.Point("a"); y.Lock(); y.Unlock(); x.Unlock(); });
            s.Spawn("b", () => { y.Lock(); s.Point("b"); x.Lock(); x.Unlock(); y.Unlock(); });
            if (!s.Run(TimeSpan.FromSeconds(10)))
            {
                failures.Add(s.Failure!);
            }
        }

        Assert.Contains("b: InvalidOperationException: lock order violation: x taken while holding y", failures);
    }
}
