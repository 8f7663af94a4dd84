using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Cli.Output;
using Daxplug.Kernel;
using Daxplug.Lab;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Cli.Verbs;

/// <summary>"lab matrix": every scenario on each kernel it is about.</summary>
internal static class LabMatrixVerb
{
    public static Command Build(SharedOptions o)
    {
        var matrix = new Command("matrix", "Every scenario on each kernel it is about (7.2, the series' revisions hotplug and hotplug-v3, 7.3): violations per " +
                                           "10k schedules (\"-\": a scenario of per-block userland on a kernel whose attribute it does not use); with --json " +
                                           "a list of {kernel, scenario, schedules, violations: {kind: count}, reported: {kind: count}}");
        foreach (var option in new Option[] { o.Json, o.Schedules, o.Strategy, o.Jobs })
        {
            matrix.Options.Add(option);
        }

        matrix.SetAction(r =>
        {
            var (n, strategy) = (r.GetValue(o.Schedules), r.GetValue(o.Strategy)!);
            var cells = new List<MatrixCell>();
            foreach (var spec in BuiltinScenarios.All)
            {
                foreach (var kernel in KernelChoice.Lab.Where(k => spec.AppliesTo(k.Abi)))
                {
                    var found = Explorer.Explore(spec, kernel, strategy, n, jobs: r.GetValue(o.Jobs));
                    cells.Add(new(kernel.Name, spec.Name, found.Schedules, found.ByKind.ToDictionary(kv => kv.Key, kv => kv.Value.Count), found.Reported));
                }
            }

            Console.Out.Write(r.GetValue(o.Json) ? MatrixReport.Json(cells) : MatrixReport.Table(cells, n, strategy));
            return 0;
        });
        return matrix;
    }
}
