using System.CommandLine;
using System.Globalization;
using Daxplug.Cli.CommandLine;
using Daxplug.Kernel;
using Daxplug.Lab;
using Daxplug.Lab.Scenarios;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Cli.Verbs;

/// <summary>"lab replay" and "lab svg": a schedule saved by "lab run --save", run again step by step or drawn.</summary>
internal static class LabReplayVerb
{
    public static Command Build()
    {
        var trace = new Argument<string>("trace") { Description = "A schedule saved by 'lab run --save'" };
        var replay = new Command("replay", "Replay a saved schedule step by step: who ran at each step, from where, and every write with the kernel's answer");
        replay.Arguments.Add(trace);
        replay.SetAction(r =>
        {
            var (saved, result) = Replay(r.GetValue(trace)!);
            Console.Out.WriteLine($"{saved.Scenario} on {saved.Kernel}, seed {saved.Seed}: {result.Trace.Count} steps");
            var log = result.Log.ToLookup(l => int.Parse(l[1..l.IndexOf(']')], CultureInfo.InvariantCulture));
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
        return replay;
    }

    public static Command BuildSvg()
    {
        var trace = new Argument<string>("trace") { Description = "A schedule saved by 'lab run --save'" };
        var output = new Option<string>("--output", "-o") { Description = "The SVG file to write", HelpName = "FILE", Required = true };
        var svg = new Command("svg", "Draw a saved schedule as a swimlane timeline (agents as lanes, writes and violations marked)");
        svg.Arguments.Add(trace);
        svg.Options.Add(output);
        svg.SetAction(r =>
        {
            var (saved, result) = Replay(r.GetValue(trace)!, recordBlocks: true);
            File.WriteAllText(r.GetValue(output)!, Swimlane.Render($"{saved.Scenario} on {saved.Kernel} (seed {saved.Seed})", result));
            return 0;
        });
        return svg;
    }

    // A saved schedule run again; one that the run does not follow to the end is an error (exit 1), not a replay.
    private static (SavedSchedule Saved, ScheduleResult Result) Replay(string file, bool recordBlocks = false)
    {
        var saved = SavedSchedule.Load(file);
        var spec = BuiltinScenarios.Find(saved.Scenario) ?? throw new CliException($"{file}: no scenario '{saved.Scenario}' (saved by another version?)");
        var kernel = KernelChoice.Parse(saved.Kernel) ?? throw new CliException($"{file}: no kernel '{saved.Kernel}' (saved by another version?)");
        var strategy = new ReplayStrategy(saved.Choices);
        var result = Explorer.RunOne(spec, kernel, strategy, saved.Seed, recordBlocks);
        if (strategy.Check(result.Trace.Count) is { } divergence)
        {
            throw new CliException($"{file}: does not replay: {divergence} (saved by another version of the scenario?)");
        }

        return (saved, result);
    }
}
