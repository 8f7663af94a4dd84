using System.Diagnostics;
using Daxplug.Kernel;
using Daxplug.Lab;
using Daxplug.Lab.Scenarios;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Bench;

/// <summary>
/// "lab [SCENARIO]": schedules per second of the race lab, in process, per built-in scenario (random strategy,
/// one thread): after a warm-up, five rounds, the median and the range (this VM's timings vary by a quarter from
/// run to run). Then the headline scenario explored on every core, and the scheduler alone.
/// </summary>
public static class LabSpeed
{
    public static int Run(string? only = null)
    {
        Console.WriteLine($"{"scenario",-30}{"kernel",-10}{"schedules/s (median of 5)",27}{"range",16}{"boot us",9}{"steps",7}");
        foreach (var spec in BuiltinScenarios.All.Where(s => only is null || s.Name == only))
        {
            foreach (var abi in new[] { KernelChoice.Of(AbiProfile.NoAttribute), KernelChoice.Of(AbiProfile.Hotplug) })
            {
                var machine = new ScenarioMachine(spec, abi);
                // The daxplug controller runs real I/O code on a thread of its own: fewer schedules.
                int n = spec.Agents.Any(a => a.Kind == "daxplug") ? 200 : 2000;
                long steps = 0;
                var rates = Rounds(n, seed => steps += Explorer.RunOne(machine, new RandomStrategy(seed), seed).Trace.Count);
                var boot = Stopwatch.StartNew();
                for (int i = 0; i < 200; i++)
                {
                    _ = new ScenarioRun(machine);
                }

                Console.WriteLine($"{spec.Name,-30}{abi.Name,-10}{rates[2],27:F0}{$"{rates[0]:F0}-{rates[4]:F0}",16}" +
                                  $"{boot.Elapsed.TotalMicroseconds / 200,9:F0}{steps / (6 * n),7}");
            }
        }

        // The headline scenario through Explorer.Explore, on one thread and on every core.
        var headline = BuiltinScenarios.Find(only ?? "unplug-vs-udev-vs-kdump");
        if (headline is not null)
        {
            foreach (int jobs in new[] { 1, Environment.ProcessorCount }.Distinct())
            {
                _ = Explorer.Explore(headline, KernelChoice.Of(AbiProfile.Hotplug), "random", 1000, jobs: jobs);
                var sw = Stopwatch.StartNew();
                _ = Explorer.Explore(headline, KernelChoice.Of(AbiProfile.Hotplug), "random", 20000, firstSeed: 1000, jobs: jobs);
                Console.WriteLine($"{headline.Name} on hotplug, Explorer.Explore with --jobs {jobs}: {20000 / sw.Elapsed.TotalSeconds:F0} schedules/s");
            }
        }

        // The scheduler alone: three agents that do nothing but reach 20 scheduling points each, on the scheduler's
        // thread and on threads of their own.
        foreach (bool threads in new[] { false, true })
        {
            var rates = Rounds(2000, i =>
            {
                var scheduler = new DeterministicScheduler(new RandomStrategy(i));
                for (int a = 0; a < 3; a++)
                {
                    async ValueTask Body()
                    {
                        for (int k = 0; k < 20; k++)
                        {
                            await scheduler.Point("p");
                        }
                    }

                    if (threads)
                    {
                        scheduler.Spawn("a", () => Daxplug.Kernel.Locking.Completed.Sync(Body()));
                    }
                    else
                    {
                        scheduler.SpawnAsync("a", Body);
                    }
                }

                scheduler.Run(TimeSpan.FromSeconds(30));
            });
            Console.WriteLine($"scheduler alone, 3 agents x 20 points, {(threads ? "a thread per agent" : "on the scheduler's thread")}: {1e6 / rates[2]:F1} us per schedule");
        }

        return 0;
    }

    // A warm-up round and five timed rounds of n calls; the rates (calls per second), sorted.
    private static double[] Rounds(int n, Action<int> one)
    {
        for (int i = 0; i < n; i++)
        {
            one(i);
        }

        var rates = new double[5];
        for (int round = 0; round < 5; round++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < n; i++)
            {
                one(((round + 1) * n) + i);
            }

            rates[round] = n / sw.Elapsed.TotalSeconds;
        }

        Array.Sort(rates);
        return rates;
    }
}
