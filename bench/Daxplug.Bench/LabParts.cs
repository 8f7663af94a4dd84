using System.Diagnostics;
using Daxplug.Kernel;
using Daxplug.Kernel.Locking;
using Daxplug.Lab;
using Daxplug.Lab.Scenarios;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Bench;

/// <summary>
/// "labparts [SCENARIO]": where one schedule's time goes (on hotplug): booting the machine, running the agents under
/// the scheduler, the quiescent checks, and each agent's work alone without the scheduler. A warm-up round, then the
/// median of five rounds of 2000 schedules.
/// </summary>
public static class LabParts
{
    public static int Run(string scenario = "unplug-vs-udev-vs-kdump")
    {
        var spec = BuiltinScenarios.Find(scenario) ?? throw new ArgumentException($"no scenario {scenario}");
        var abi = KernelChoice.Of(AbiProfile.Hotplug);
        var machine = new ScenarioMachine(spec, abi);
        const int N = 2000;
        var rounds = new List<(double Boot, double Run, double Check, double Bytes)>();
        for (int round = 0; round < 6; round++)
        {
            double boot = 0, run = 0, check = 0;
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            for (int seed = 0; seed < N; seed++)
            {
                var sw = Stopwatch.StartNew();
                var r = new ScenarioRun(machine);
                boot += sw.Elapsed.TotalMicroseconds;
                sw.Restart();
                var scheduler = new DeterministicScheduler(new RandomStrategy(seed));
                foreach (var agent in spec.Agents)
                {
                    r.Spawn(scheduler, agent, () => scheduler.Trace.Count);
                }

                r.Kernel.Scheduler = scheduler;
                scheduler.Run(TimeSpan.FromSeconds(30));
                r.Kernel.Scheduler = ThreadScheduler.Instance;
                run += sw.Elapsed.TotalMicroseconds;
                sw.Restart();
                r.CheckQuiescent(0);
                check += sw.Elapsed.TotalMicroseconds;
            }

            if (round > 0)
            {
                rounds.Add((boot / N, run / N, check / N, (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)N));
            }
        }

        static double Median(IEnumerable<double> xs) => xs.Order().ElementAt(2);
        Console.WriteLine($"per schedule (median of 5 rounds): boot {Median(rounds.Select(r => r.Boot)):F0} us, agents under the scheduler " +
                          $"{Median(rounds.Select(r => r.Run)):F0} us, quiescent checks {Median(rounds.Select(r => r.Check)):F0} us; " +
                          $"{Median(rounds.Select(r => r.Bytes)) / 1024:F0} KiB allocated");
        foreach (var kind in spec.Agents.Select(a => a.Kind).Distinct())
        {
            var times = new List<double>();
            for (int round = 0; round < 6; round++)
            {
                double t = 0;
                for (int i = 0; i < 500; i++)
                {
                    var r = new ScenarioRun(machine);
                    var sw = Stopwatch.StartNew();
                    r.Body(spec.Agents.First(a => a.Kind == kind), () => 0)().Sync();
                    t += sw.Elapsed.TotalMicroseconds;
                }

                if (round > 0)
                {
                    times.Add(t / 500);
                }
            }

            Console.WriteLine($"{kind} alone (no scheduler): {Median(times):F1} us");
        }

        return 0;
    }
}
