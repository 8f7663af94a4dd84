using Daxplug.Kernel;
using Daxplug.Kernel.Locking;
using Daxplug.Lab.Scenarios;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Lab;

/// <summary>The result of one schedule: its seed, trace, violations and log.</summary>
public sealed record ScheduleResult(int Seed, IReadOnlyList<TraceStep> Trace, IReadOnlyList<Violation> Violations, IReadOnlyList<string> Log,
    IReadOnlyList<string>? Reported = null)
{
    /// <summary>When recorded: the blocks the agents' devices had at boot, and per step a character per block
    /// (M online movable, K online in a kernel zone, o offline, - removed).</summary>
    public BlockTimeline? Blocks { get; init; }
}

/// <summary>Block states over a schedule: ids, and one string per step (a character per block).</summary>
public sealed record BlockTimeline(IReadOnlyList<long> Ids, IReadOnlyList<string> States);

/// <summary>What an exploration found: schedules run, whether a bounded search covered its whole space,
/// violations by kind (with the first schedule of each), and failures agents reported (not violations).</summary>
public sealed record Exploration(int Schedules, bool Exhausted, Dictionary<string, (int Count, ScheduleResult First)> ByKind, Dictionary<string, int> Reported);

/// <summary>Runs a scenario under many seeds (or replays one trace) and collects violations.</summary>
public static class Explorer
{
    public static ScheduleResult RunOne(ScenarioSpec spec, KernelChoice kernel, IStrategy strategy, int seed, bool recordBlocks = false) =>
        RunOne(new ScenarioMachine(spec, kernel), strategy, seed, recordBlocks);

    /// <summary>One schedule on a fresh boot of <paramref name="machine"/>.</summary>
    public static ScheduleResult RunOne(ScenarioMachine machine, IStrategy strategy, int seed, bool recordBlocks = false)
    {
        var spec = machine.Spec;
        var run = new ScenarioRun(machine);
        var scheduler = new DeterministicScheduler(strategy);
        if (recordBlocks)
        {
            run.Timeline.RecordBlocks(scheduler, run.DeviceBlockIds());
        }

        foreach (var agent in spec.Agents)
        {
            run.Spawn(scheduler, agent, () => scheduler.Trace.Count);
        }

        run.Step = () => scheduler.Trace.Count;
        run.Kernel.Scheduler = scheduler;
        bool finished = scheduler.Run(TimeSpan.FromSeconds(30));
        run.Kernel.Scheduler = ThreadScheduler.Instance;
        if (!finished)
        {
            run.Violations.Add(new Violation(scheduler.Failure!.StartsWith("deadlock", StringComparison.Ordinal) ? "deadlock" : "failure", scheduler.Failure, scheduler.Trace.Count));
        }
        else
        {
            run.CheckQuiescent(scheduler.Trace.Count);
        }

        return new ScheduleResult(seed, scheduler.Trace, run.Violations, run.Log, run.Reported)
        {
            Blocks = run.Timeline.Blocks,
        };
    }

    /// <summary>The strategies: random (seeded), pct (seeded, depth 3), dfs (preemption-bounded, exhaustive within the bound).</summary>
    public static IReadOnlyList<string> Strategies { get; } = ["random", "pct", "dfs"];

    /// <summary>
    /// Explores with a strategy: random and pct run <paramref name="schedules"/> seeds from
    /// <paramref name="firstSeed"/>; dfs enumerates schedules with at most <paramref name="dfsBound"/> preemptions
    /// in depth-first order until the space is exhausted or <paramref name="schedules"/> have run.
    /// </summary>
    /// <remarks>Random and PCT schedules are independent of each other, so they can run on <paramref name="jobs"/>
    /// threads (0: one per core); results are counted in seed order, so the outcome (and the first
    /// schedule of each violation kind) does not depend on how many ran at once. DFS derives each schedule from
    /// the one before and runs on one thread.</remarks>
    public static Exploration Explore(ScenarioSpec spec, KernelChoice kernel, string strategy, int schedules, int firstSeed = 0, int pctDepth = 3, int dfsBound = 2,
        int jobs = 1)
    {
        var byKind = new Dictionary<string, (int Count, ScheduleResult First)>();
        var reported = new Dictionary<string, int>();
        void Count(ScheduleResult result)
        {
            foreach (var kind in result.Violations.Select(v => v.Kind).Distinct())
            {
                byKind[kind] = byKind.TryGetValue(kind, out var e) ? (e.Count + 1, e.First) : (1, result);
            }

            foreach (var r in (result.Reported ?? []).Distinct())
            {
                reported[r] = reported.GetValueOrDefault(r) + 1;
            }
        }

        var machine = new ScenarioMachine(spec, kernel);
        switch (strategy)
        {
            case "random":
                RunSeeds(seed => RunOne(machine, new RandomStrategy(seed), seed), firstSeed, schedules, jobs, Count);
                return new Exploration(schedules, false, byKind, reported);
            case "pct":
                // k, the schedule length PCT spreads its change points over: that of an unpreempted run.
                int steps = Math.Max(1, RunOne(machine, new DfsStrategy([]), 0).Trace.Count);
                RunSeeds(seed => RunOne(machine, new PctStrategy(seed, pctDepth, steps), seed), firstSeed, schedules, jobs, Count);
                return new Exploration(schedules, false, byKind, reported);
            case "dfs":
                List<int>? prefix = [];
                int n = 0;
                while (prefix is not null && n < schedules)
                {
                    var dfs = new DfsStrategy(prefix);
                    Count(RunOne(machine, dfs, n++));
                    prefix = dfs.NextPrefix(dfsBound);
                }

                return new Exploration(n, prefix is null, byKind, reported);
            default:
                throw new ArgumentException($"unknown strategy '{strategy}' (one of: {string.Join(", ", Strategies)})");
        }
    }

    // Runs count seeds from first on up to jobs threads, 64 seeds per thread at a time (enough that the threads seldom
    // wait for each other at the end of a batch, few enough that results waiting to be counted stay small), and hands
    // each result to count in seed order.
    private static void RunSeeds(Func<int, ScheduleResult> run, int first, int count, int jobs, Action<ScheduleResult> counted)
    {
        jobs = jobs > 0 ? jobs : Environment.ProcessorCount;
        if (jobs == 1)
        {
            for (int seed = first; seed < first + count; seed++)
            {
                counted(run(seed));
            }

            return;
        }

        int batch = 64 * jobs;
        var results = new ScheduleResult?[batch];
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i => results[i] = run(first + start + i));
            for (int i = 0; i < n; i++)
            {
                counted(results[i]!);
                results[i] = null;
            }
        }
    }

    /// <summary>Runs <paramref name="schedules"/> seeds from <paramref name="firstSeed"/>; violations by kind with the first of each.</summary>
    public static Dictionary<string, (int Count, ScheduleResult First)> Explore(ScenarioSpec spec, KernelChoice kernel, int schedules, int firstSeed = 0) =>
        Explore(spec, kernel, "random", schedules, firstSeed).ByKind;
}
