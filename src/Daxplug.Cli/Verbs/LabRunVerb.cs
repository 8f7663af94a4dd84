using System.CommandLine;
using System.Diagnostics;
using Daxplug.Cli.CommandLine;
using Daxplug.Kernel;
using Daxplug.Lab;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Cli.Verbs;

/// <summary>"lab run": one scenario on one kernel; violations by kind, with the first schedule of each step by step.</summary>
internal static class LabRunVerb
{
    public static Command Build(SharedOptions o)
    {
        var kernel = SharedOptions.Kernel("The kernel to explore on (default 7.3)");
        var scenario = SharedOptions.Scenario(required: true);
        var seed = new Option<int>("--seed") { Description = "First seed", DefaultValueFactory = _ => 0, CustomParser = ValueParsers.Count(0) };
        var save = new Option<string?>("--save") { Description = "Directory to save the first schedule of each violation kind in (for replay and svg)", HelpName = "DIR" };
        var run = new Command("run", "Explore one scenario on one kernel; print violations by kind with the first schedule of each, step by step");
        foreach (var option in new Option[] { kernel, scenario, o.Schedules, seed, o.Strategy, o.Jobs, save })
        {
            run.Options.Add(option);
        }

        run.SetAction(r =>
        {
            var choice = r.GetValue(kernel) ?? KernelChoice.Default;
            var spec = BuiltinScenarios.Find(r.GetValue(scenario)!)!;
            var sw = Stopwatch.StartNew();
            if (!spec.AppliesTo(choice.Abi))
            {
                Console.Out.WriteLine($"note: {spec.Name} is about {string.Join(", ", KernelChoice.Lab.Where(k => spec.AppliesTo(k.Abi)))}; its agents do not use {choice}'s attribute");
            }

            var exploration = Explorer.Explore(spec, choice, r.GetValue(o.Strategy)!, r.GetValue(o.Schedules), r.GetValue(seed), jobs: r.GetValue(o.Jobs));
            Console.Out.WriteLine($"{spec.Name} on {choice}: {exploration.Schedules} {r.GetValue(o.Strategy)} schedules in {sw.ElapsedMilliseconds} ms" +
                                  (exploration.Exhausted ? " (every schedule within the bound)" : ""));
            return Report(exploration, spec, choice, r.GetValue(save));
        });
        return run;
    }

    // The agents' own failures, then each violation kind with its first schedule (saved when asked); 1 if any.
    private static int Report(Exploration exploration, ScenarioSpec spec, KernelChoice kernel, string? saveDir)
    {
        if (exploration.Reported.Count > 0)
        {
            Console.Out.WriteLine("failures the agents reported (not violations): " + string.Join(", ", exploration.Reported.Select(p => $"{p.Key} {p.Value}")));
        }

        if (exploration.ByKind.Count == 0)
        {
            Console.Out.WriteLine("no violations");
            return 0;
        }

        foreach (var (kind, (count, first)) in exploration.ByKind)
        {
            Console.Out.WriteLine($"\n{kind}: {count} schedule(s); first at seed {first.Seed}: {first.Violations.First(v => v.Kind == kind).Detail}");
            foreach (var line in first.Log)
            {
                Console.Out.WriteLine($"  {line}");
            }

            if (saveDir is not null)
            {
                Directory.CreateDirectory(saveDir);
                var file = Path.Combine(saveDir, $"{spec.Name}-{kernel}-{kind}.json");
                new SavedSchedule(spec.Name, kernel.Name, first.Seed, [.. first.Trace.Select(t => t.Agent)]).Save(file);
                Console.Out.WriteLine($"  saved {file}");
            }
        }

        return 1;
    }
}
