using System.Text;
using Daxplug.Kernel;
using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Lab.Tests;

/// <summary>
/// The deterministic scheduler: same seed, same schedule; a trace replays; deadlocks are reported. Each case runs
/// both ways: agents on the scheduler's thread (suspended at points) and agents on threads of their own.
/// </summary>
public class SchedulerTests
{
    /// <summary>Adds an agent that awaits the model, on the scheduler's thread or (<paramref name="threads"/>) on
    /// a thread of its own, where each point blocks instead of suspending.</summary>
    private static void Add(DeterministicScheduler s, bool threads, string name, Func<ValueTask> body)
    {
        if (threads)
        {
            s.Spawn(name, () => body().Sync());
        }
        else
        {
            s.SpawnAsync(name, body);
        }
    }

    /// <summary>An attribute writer and a per-block offliner on dax1.0 (two ranges), on the contract profile.</summary>
    private static (DeterministicScheduler Scheduler, KernelModel Kernel, List<string> Results) Scenario(IStrategy strategy, bool threads)
    {
        var k = MachineBuilder.Build(BuiltinMachines.Load("default"), AbiProfile.Hotplug);
        var s = new DeterministicScheduler(strategy);
        var results = new List<string>();
        ValueTask<int> Write(string path, string value) => k.Sysfs.WriteAsync(path, Encoding.ASCII.GetBytes(value + "\n"));
        Add(s, threads, "attribute", async () =>
        {
            results.Add($"online_movable:{await Write("/sys/bus/dax/devices/dax1.0/hotplug", "online_movable")}");
            results.Add($"unplug:{await Write("/sys/bus/dax/devices/dax1.0/hotplug", "unplug")}");
        });
        Add(s, threads, "offliner", async () =>
        {
            foreach (var b in new[] { 1030, 1160 })
            {
                results.Add($"memory{b}:{await Write($"/sys/devices/system/memory/memory{b}/state", "offline")}");
            }
        });
        k.Scheduler = s;
        return (s, k, results);
    }

    private static string Fingerprint(KernelModel k) =>
        string.Join(",", k.Blocks.All().Where(b => b.Id >= 1024).Select(b => $"{b.Id}:{b.State}:{b.Zone?.Name}")) + "|" + k.Sysfs.Read("/sys/bus/dax/devices/dax1.0/hotplug", out var t) + t;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ManySeeds_FinishWithInvariantsIntact_AndDifferentInterleavings(bool threads)
    {
        var outcomes = new HashSet<string>();
        for (int seed = 0; seed < 60; seed++)
        {
            var (s, k, results) = Scenario(new RandomStrategy(seed), threads);
            Assert.True(s.Run(TimeSpan.FromSeconds(30)), $"seed {seed}: {s.Failure}");
            k.Scheduler = ThreadScheduler.Instance;
            Assert.Empty(Invariants.Check(k));
            outcomes.Add(string.Join(";", results.Order()));
        }

        // The offliner's writes succeed or fail depending on when they run: the scheduler explores both.
        Assert.True(outcomes.Count > 1, "every seed gave the same outcome");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SameSeed_SameTrace_AndATraceReplaysToTheSameState(bool threads)
    {
        var (a, ka, _) = Scenario(new RandomStrategy(42), threads);
        Assert.True(a.Run(TimeSpan.FromSeconds(30)), a.Failure);
        var (b, kb, _) = Scenario(new RandomStrategy(42), threads);
        Assert.True(b.Run(TimeSpan.FromSeconds(30)), b.Failure);
        Assert.Equal(a.Trace, b.Trace);
        Assert.Equal(Fingerprint(ka), Fingerprint(kb));

        var (r, kr, _) = Scenario(new ReplayStrategy(a.Trace.Select(t => t.Agent).ToList()), threads);
        Assert.True(r.Run(TimeSpan.FromSeconds(30)), r.Failure);
        Assert.Equal(a.Trace, r.Trace);
        Assert.Equal(Fingerprint(ka), Fingerprint(kr));
    }

    [Fact]
    public void OnTheSchedulersThreadAndOnThreadsOfTheirOwn_ASeedGivesTheSameTraceAndState()
    {
        for (int seed = 0; seed < 30; seed++)
        {
            var (a, ka, ra) = Scenario(new RandomStrategy(seed), threads: false);
            Assert.True(a.Run(TimeSpan.FromSeconds(30)), a.Failure);
            var (b, kb, rb) = Scenario(new RandomStrategy(seed), threads: true);
            Assert.True(b.Run(TimeSpan.FromSeconds(30)), b.Failure);
            Assert.Equal(a.Trace, b.Trace);
            Assert.Equal(ra, rb);
            Assert.Equal(Fingerprint(ka), Fingerprint(kb));
        }
    }

    [Fact]
    public void OnAThreadWhoseContextFlowIsSuppressed_TheSchedulerRunsAlike_AndLeavesItSuppressed()
    {
        // The single-threaded run suppresses execution-context flow itself; a caller that already did must get
        // the same schedule, and its suppression back.
        var (a, ka, ra) = Scenario(new RandomStrategy(7), threads: false);
        Assert.True(a.Run(TimeSpan.FromSeconds(30)), a.Failure);
        Assert.False(ExecutionContext.IsFlowSuppressed());

        var (b, kb, rb) = Scenario(new RandomStrategy(7), threads: false);
        using (ExecutionContext.SuppressFlow())
        {
            Assert.True(b.Run(TimeSpan.FromSeconds(30)), b.Failure);
            Assert.True(ExecutionContext.IsFlowSuppressed());
        }

        Assert.Equal(a.Trace, b.Trace);
        Assert.Equal(ra, rb);
        Assert.Equal(Fingerprint(ka), Fingerprint(kb));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AgentWaitingForALockNobodyWillRelease_IsADeadlock(bool threads)
    {
        var s = new DeterministicScheduler(new RandomStrategy(1));
        var x = new KernelMutex("x", 1, () => s);
        // "leaker" exits holding x (a missing unlock); "waiter" can then never run.
        Add(s, threads, "leaker", () => x.Lock());
        Add(s, threads, "waiter", async () =>
        {
            await s.Point("before");
            await x.Lock();
            await x.Unlock();
        });
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
                    next.Point("p").Sync();
                    Interlocked.Increment(ref points);
                });
            }

            Assert.True(next.Run(TimeSpan.FromSeconds(10)), next.Failure);
            Assert.Equal(3, points);
            Assert.Equal(6, next.Trace.Count); // start, each agent's point, and every exit but the last
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LockOrderInversion_IsReported(bool threads)
    {
        var failures = new HashSet<string>();
        for (int seed = 0; seed < 20; seed++)
        {
            var s = new DeterministicScheduler(new RandomStrategy(seed));
            var x = new KernelMutex("x", 1, () => s);
            var y = new KernelMutex("y", 2, () => s);
            async ValueTask Take(KernelMutex first, KernelMutex second, string point)
            {
                await first.Lock();
                await s.Point(point);
                await second.Lock();
                await second.Unlock();
                await first.Unlock();
            }

            Add(s, threads, "a", () => Take(x, y, "a"));
            Add(s, threads, "b", () => Take(y, x, "b"));
            if (!s.Run(TimeSpan.FromSeconds(10)))
            {
                failures.Add(s.Failure!);
            }
        }

        Assert.Contains("b: InvalidOperationException: lock order violation: x taken while holding y", failures);
    }
}
