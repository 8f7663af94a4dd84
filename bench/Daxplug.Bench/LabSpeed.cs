using System.Diagnostics;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Lab;
using Daxplug.Lab.Scenarios;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Bench;

/// <summary>
/// "lab": schedules per second of the race lab, in process, per built-in scenario (random strategy), and where a
/// schedule's time goes (booting the scenario's machine vs running the agents under the scheduler).
/// </summary>
public static class LabSpeed
{
    public static int Run(int schedules = 1000, string? only = null)
    {
        Console.WriteLine($"{"scenario",-30}{"abi",-12}{"schedules/s",12}{"boot us",10}{"steps",8}");
        foreach (var spec in BuiltinScenarios.All.Where(s => only is null || s.Name == only))
        {
            foreach (var abi in new[] { AbiProfile.Mainline, AbiProfile.Hotplug })
            {
                int n = spec.Agents.Any(a => a.Kind == "daxplug") ? schedules / 5 : schedules;
                Explorer.RunOne(spec, abi, new RandomStrategy(0), 0); // warm up (JIT)
                var sw = Stopwatch.StartNew();
                long steps = 0;
                for (int seed = 0; seed < n; seed++)
                {
                    steps += Explorer.RunOne(spec, abi, new RandomStrategy(seed), seed).Trace.Count;
                }

                double perSecond = n / sw.Elapsed.TotalSeconds;
                var boot = Stopwatch.StartNew();
                for (int i = 0; i < 100; i++)
                {
                    _ = new ScenarioRun(spec, abi);
                }

                Console.WriteLine($"{spec.Name,-30}{AbiProfiles.Name(abi),-12}{perSecond,12:F0}{boot.Elapsed.TotalMicroseconds / 100,10:F0}{steps / n,8}");
            }
        }

        // The scheduler alone: three agents that do nothing but reach 20 scheduling points each.
        var sw2 = Stopwatch.StartNew();
        for (int i = 0; i < 2000; i++)
        {
            var scheduler = new DeterministicScheduler(new RandomStrategy(i));
            for (int a = 0; a < 3; a++)
            {
                scheduler.SpawnAsync("a", async () =>
                {
                    for (int k = 0; k < 20; k++)
                    {
                        await scheduler.Point("p");
                    }
                });
            }

            scheduler.Run(TimeSpan.FromSeconds(30));
        }

        Console.WriteLine($"scheduler alone, 3 agents x 20 points: {sw2.Elapsed.TotalMicroseconds / 2000:F0} us per schedule");
        return 0;
    }
}
