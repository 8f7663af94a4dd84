using Daxplug.Kernel;
using Daxplug.Kernel.Locking;
using Daxplug.Lab.Scenarios;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Lab;

/// <summary>The result of one schedule: its seed, trace, violations and log.</summary>
public sealed record ScheduleResult(int Seed, IReadOnlyList<TraceStep> Trace, IReadOnlyList<Violation> Violations, IReadOnlyList<string> Log);

/// <summary>Runs a scenario under many seeds (or replays one trace) and collects violations.</summary>
public static class Explorer
{
    public static ScheduleResult RunOne(ScenarioSpec spec, AbiProfile abi, IStrategy strategy, int seed)
    {
        var run = new ScenarioRun(spec, abi);
        var scheduler = new DeterministicScheduler(strategy);
        foreach (var agent in spec.Agents)
        {
            scheduler.Spawn($"{agent.Kind}", run.Body(agent, () => scheduler.Trace.Count));
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

        return new ScheduleResult(seed, scheduler.Trace, run.Violations, run.Log);
    }

    /// <summary>Runs <paramref name="schedules"/> seeds from <paramref name="firstSeed"/>; violations by kind with the first of each.</summary>
    public static Dictionary<string, (int Count, ScheduleResult First)> Explore(ScenarioSpec spec, AbiProfile abi, int schedules, int firstSeed = 0)
    {
        var byKind = new Dictionary<string, (int, ScheduleResult)>();
        for (int seed = firstSeed; seed < firstSeed + schedules; seed++)
        {
            var result = RunOne(spec, abi, new RandomStrategy(seed), seed);
            foreach (var kind in result.Violations.Select(v => v.Kind).Distinct())
            {
                byKind[kind] = byKind.TryGetValue(kind, out var e) ? (e.Item1 + 1, e.Item2) : (1, result);
            }
        }

        return byKind;
    }
}
