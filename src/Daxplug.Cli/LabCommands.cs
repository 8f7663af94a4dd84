using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Daxplug.Kernel;
using Daxplug.Lab;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Cli;

/// <summary>"lab run" and "lab matrix": competing controllers under the deterministic scheduler.</summary>
internal static class LabCommands
{
    public static Command Build()
    {
        var lab = new Command("lab", "The race lab: competing controllers under a deterministic scheduler, per kernel.\n\n" +
                                     "Examples:\n  daxplug lab run --kernel hotplug-v3 --scenario unplug-vs-zone-mover\n  daxplug lab matrix --schedules 1000 --json");
        var kernelOpt = SimOptions.KernelOption("--kernel", "-k");
        var scenario = new Option<string>("--scenario", "-s") { Description = $"One of: {string.Join(", ", BuiltinScenarios.All.Select(s => s.Name))}", Required = true };
        var schedules = new Option<int>("--schedules", "-n") { Description = "How many schedules (seeds) to explore", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "First seed", DefaultValueFactory = _ => 0 };
        var save = new Option<string?>("--save") { Description = "Directory to save the first schedule of each violation kind in (for replay and svg)" };
        var strategy = new Option<string>("--strategy") { Description = "random (seeded), pct (seeded, priority changes at depth 3) or dfs (every schedule with at most 2 preemptions, up to --schedules)", DefaultValueFactory = _ => "random" };
        strategy.AcceptOnlyFromAmong([.. Explorer.Strategies]);
        var jobs = new Option<int>("--jobs", "-j") { Description = "Schedules run at once, on that many threads (random and pct; default: one per core). The results do not depend on it", DefaultValueFactory = _ => Environment.ProcessorCount };
        var run = new Command("run", "Explore one scenario on one kernel; print violations by kind with the first schedule of each, step by step");
        foreach (var o in new Option[] { kernelOpt, scenario, schedules, seed, strategy, jobs, save })
        {
            run.Options.Add(o);
        }

        run.SetAction(r =>
        {
            var kernel = r.GetValue(kernelOpt) is { } name ? SimModel.Choice(name) : KernelChoice.Default;
            var spec = BuiltinScenarios.Find(r.GetValue(scenario)!) ?? throw new CliException($"unknown scenario '{r.GetValue(scenario)}'", CliException.Usage);
            var sw = Stopwatch.StartNew();
            if (r.GetValue(schedules) < 1)
            {
                throw new CliException("--schedules must be at least 1", CliException.Usage);
            }

            if (r.GetValue(jobs) < 1)
            {
                throw new CliException("--jobs must be at least 1", CliException.Usage);
            }

            if (!spec.AppliesTo(kernel.Abi))
            {
                Console.Out.WriteLine($"note: {spec.Name} is about {string.Join(", ", KernelChoice.Lab.Where(k => spec.AppliesTo(k.Abi)))}; its agents do not use {kernel}'s attribute");
            }

            var exploration = Explorer.Explore(spec, kernel, r.GetValue(strategy)!, r.GetValue(schedules), r.GetValue(seed), jobs: r.GetValue(jobs));
            var found = exploration.ByKind;
            Console.Out.WriteLine($"{spec.Name} on {kernel}: {exploration.Schedules} {r.GetValue(strategy)} schedules in {sw.ElapsedMilliseconds} ms" +
                                  (exploration.Exhausted ? " (every schedule within the bound)" : ""));
            if (exploration.Reported.Count > 0)
            {
                Console.Out.WriteLine("failures the agents reported (not violations): " + string.Join(", ", exploration.Reported.Select(p => $"{p.Key} {p.Value}")));
            }

            if (found.Count == 0)
            {
                Console.Out.WriteLine("no violations");
                return 0;
            }

            foreach (var (kind, (count, first)) in found)
            {
                Console.Out.WriteLine($"\n{kind}: {count} schedule(s); first at seed {first.Seed}: {first.Violations.First(v => v.Kind == kind).Detail}");
                foreach (var line in first.Log)
                {
                    Console.Out.WriteLine($"  {line}");
                }

                if (r.GetValue(save) is { } dir)
                {
                    Directory.CreateDirectory(dir);
                    var file = Path.Combine(dir, $"{spec.Name}-{kernel}-{kind}.json");
                    new SavedSchedule(spec.Name, kernel.Name, first.Seed, first.Trace.Select(t => t.Agent).ToList()).Save(file);
                    Console.Out.WriteLine($"  saved {file}");
                }
            }

            return 1;
        });

        var json = new Option<bool>("--json") { Description = "A list of {kernel, scenario, schedules, violations: {kind: count}}" };
        var matrixSchedules = new Option<int>("--schedules", "-n") { Description = "Schedules per cell", DefaultValueFactory = _ => 1000 };
        var matrix = new Command("matrix", "Every scenario on each kernel it is about (7.2, the series' revisions hotplug and hotplug-v3, 7.3): violations per 10k schedules (\"-\": a scenario of per-block userland on a kernel whose attribute it does not use)");
        matrix.Options.Add(json);
        matrix.Options.Add(matrixSchedules);
        matrix.Options.Add(strategy);
        matrix.Options.Add(jobs);
        matrix.SetAction(r =>
        {
            int n = r.GetValue(matrixSchedules);
            if (n < 1)
            {
                throw new CliException("--schedules must be at least 1", CliException.Usage);
            }

            if (r.GetValue(jobs) < 1)
            {
                throw new CliException("--jobs must be at least 1", CliException.Usage);
            }

            var cells = new List<(string Kernel, string Scenario, int Schedules, Dictionary<string, int> Violations, Dictionary<string, int> Reported)>();
            foreach (var spec in BuiltinScenarios.All)
            {
                foreach (var kernel in KernelChoice.Lab.Where(k => spec.AppliesTo(k.Abi)))
                {
                    var found = Explorer.Explore(spec, kernel, r.GetValue(strategy)!, n, jobs: r.GetValue(jobs));
                    cells.Add((kernel.Name, spec.Name, found.Schedules, found.ByKind.ToDictionary(kv => kv.Key, kv => kv.Value.Count), found.Reported));
                }
            }

            Console.Out.Write(r.GetValue(json) ? MatrixJson(cells) : MatrixTable(cells, n, r.GetValue(strategy)!));
            return 0;
        });

        var traceFile = new Argument<string>("trace") { Description = "A schedule saved by 'lab run --save'" };
        var replay = new Command("replay", "Replay a saved schedule step by step: who ran at each step, from where, and every write with the kernel's answer");
        replay.Arguments.Add(traceFile);
        replay.SetAction(r =>
        {
            var (saved, result) = Replay(r.GetValue(traceFile)!);
            Console.Out.WriteLine($"{saved.Scenario} on {saved.Kernel}, seed {saved.Seed}: {result.Trace.Count} steps");
            var log = result.Log.ToLookup(l => int.Parse(l[1..l.IndexOf(']')], System.Globalization.CultureInfo.InvariantCulture));
            foreach (var step in result.Trace)
            {
                Console.Out.WriteLine($"{step.Step,5}  {step.AgentName,-16} {step.Point}");
                foreach (var line in log[step.Step + 1])
                {
                    Console.Out.WriteLine($"       {line[(line.IndexOf(']') + 2)..]}");
                }
            }

            foreach (var v in result.Violations)
            {
                Console.Out.WriteLine($"violation at step {v.Step}: {v.Kind}: {v.Detail}");
            }

            return result.Violations.Count == 0 ? 0 : 1;
        });

        var svgTrace = new Argument<string>("trace") { Description = "A schedule saved by 'lab run --save'" };
        var output = new Option<string>("--output", "-o") { Description = "The SVG file to write", Required = true };
        var svg = new Command("svg", "Draw a saved schedule as a swimlane timeline (agents as lanes, writes and violations marked)");
        svg.Arguments.Add(svgTrace);
        svg.Options.Add(output);
        svg.SetAction(r =>
        {
            var (saved, result) = Replay(r.GetValue(svgTrace)!, recordBlocks: true);
            File.WriteAllText(r.GetValue(output)!, Swimlane.Render($"{saved.Scenario} on {saved.Kernel} (seed {saved.Seed})", result));
            return 0;
        });

        lab.Subcommands.Add(run);
        lab.Subcommands.Add(replay);
        lab.Subcommands.Add(svg);
        lab.Subcommands.Add(matrix);
        return lab;
    }

    // A saved schedule run again; one that the run does not follow to the end is an error (exit 1), not a replay.
    private static (SavedSchedule Saved, ScheduleResult Result) Replay(string file, bool recordBlocks = false)
    {
        var saved = SavedSchedule.Load(file);
        var strategy = new Daxplug.Lab.Scheduling.ReplayStrategy(saved.Choices);
        var result = Explorer.RunOne(BuiltinScenarios.Find(saved.Scenario)!, KernelChoice.Parse(saved.Kernel)!, strategy, saved.Seed, recordBlocks);
        if (strategy.Check(result.Trace.Count) is { } divergence)
        {
            throw new CliException($"{file}: does not replay: {divergence} (saved by another version of the scenario?)");
        }

        return (saved, result);
    }

    private static string MatrixTable(List<(string Kernel, string Scenario, int Schedules, Dictionary<string, int> Violations, Dictionary<string, int> Reported)> cells, int n, string strategy)
    {
        var sb = new StringBuilder($"violations per 10k schedules ({n} {strategy} schedules per cell, or all there are; in brackets, failures the agents reported)\n\n");
        sb.Append($"{"scenario",-30}").AppendJoin("", KernelChoice.Lab.Select(k => $"{k.Name,-44}")).Append('\n');
        foreach (var scenario in cells.Select(c => c.Scenario).Distinct())
        {
            sb.Append($"{scenario,-30}");
            foreach (var kernel in KernelChoice.Lab.Select(k => k.Name))
            {
                if (!cells.Any(c => c.Scenario == scenario && c.Kernel == kernel))
                {
                    sb.Append($"{"-",-44}");
                    continue;
                }

                var (_, _, ran, v, reported) = cells.First(c => c.Scenario == scenario && c.Kernel == kernel);
                var text = v.Count == 0 ? "0" : string.Join(" ", v.Select(kv => $"{kv.Key}:{kv.Value * 10000L / ran}"));
                if (reported.Count > 0)
                {
                    text += " [" + string.Join(" ", reported.Select(kv => $"{kv.Key}:{kv.Value * 10000L / ran}")) + "]";
                }

                if (ran < n)
                {
                    text += $" (all {ran})";
                }

                sb.Append($"{text,-44}");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string MatrixJson(List<(string Kernel, string Scenario, int Schedules, Dictionary<string, int> Violations, Dictionary<string, int> Reported)> cells)
    {
        return Daxplug.Control.Listing.JsonText.Render(w =>
        {
            w.WriteStartArray();
            foreach (var (kernel, scenario, ran, violations, reported) in cells)
            {
                w.WriteStartObject();
                w.WriteString("kernel", kernel);
                w.WriteString("scenario", scenario);
                w.WriteNumber("schedules", ran);
                Counts("violations", violations);
                Counts("reported", reported);
                w.WriteEndObject();
            }

            w.WriteEndArray();

            void Counts(string name, Dictionary<string, int> counts)
            {
                w.WriteStartObject(name);
                foreach (var (kind, count) in counts)
                {
                    w.WriteNumber(kind, count);
                }

                w.WriteEndObject();
            }
        });
    }
}
