using System.Diagnostics;
using Daxplug.Kernel;
using Daxplug.Kernel.Locking;
using Daxplug.Lab;
using Daxplug.Lab.Scenarios;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Bench;

/// <summary>
/// "labparts [SCENARIO]": where one schedule's time goes (on hotplug): booting the machine, running the agents under
/// the scheduler, the quiescent checks, and each agent's work alone without the scheduler.
/// </summary>
public static class LabParts
{
    public static int Run(string scenario = "unplug-vs-udev-vs-kdump")
    {
        var spec = BuiltinScenarios.Find(scenario) ?? throw new ArgumentException($"no scenario {scenario}");
        var abi = AbiProfile.Hotplug;
        for (int round = 0; round < 3; round++)
        {
            double boot = 0, run = 0, check = 0, inv = 0; int n = 2000;
            for (int seed = 0; seed < n; seed++)
            {
                var sw = Stopwatch.StartNew();
                var r = new ScenarioRun(spec, abi);
                boot += sw.Elapsed.TotalMicroseconds; sw.Restart();
                var scheduler = new DeterministicScheduler(new RandomStrategy(seed));
                foreach (var agent in spec.Agents) r.Spawn(scheduler, agent, () => scheduler.Trace.Count);
                r.Kernel.Scheduler = scheduler;
                scheduler.Run(TimeSpan.FromSeconds(30));
                r.Kernel.Scheduler = Daxplug.Kernel.Locking.ThreadScheduler.Instance;
                run += sw.Elapsed.TotalMicroseconds; sw.Restart();
                r.CheckQuiescent(0);
                check += sw.Elapsed.TotalMicroseconds; sw.Restart();
                _ = Invariants.Check(r.Kernel).Count();
                inv += sw.Elapsed.TotalMicroseconds;
            }
            Console.WriteLine($"boot {boot / n:F0} us, run {run / n:F0} us, quiescent check {check / n:F0} us (invariants alone {inv / n:F0} us)");
        }
        foreach (var kind in spec.Agents.Select(a => a.Kind).Distinct())
        {
            double t = 0;
            for (int i = 0; i < 1000; i++)
            {
                var r = new ScenarioRun(spec, abi);
                var sw = Stopwatch.StartNew();
                r.Body(spec.Agents.First(a => a.Kind == kind), () => 0)().Sync();
                t += sw.Elapsed.TotalMicroseconds;
            }
            Console.WriteLine($"{kind} alone: {t / 1000:F1} us");
        }
        return 0;
    }
}
