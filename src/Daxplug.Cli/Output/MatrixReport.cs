using System.Text;
using Daxplug.Control.Listing;
using Daxplug.Kernel;

namespace Daxplug.Cli.Output;

/// <summary>"lab matrix" as a table (violations per 10k schedules, scenarios by kernels) or as a JSON list of cells.</summary>
internal static class MatrixReport
{
    private const int Column = 44;

    public static string Table(IReadOnlyList<MatrixCell> cells, int n, string strategy)
    {
        var sb = new StringBuilder($"violations per 10k schedules ({n} {strategy} schedules per cell, or all there are; in brackets, failures the agents reported)\n\n");
        sb.Append($"{"scenario",-30}").AppendJoin("", KernelChoice.Lab.Select(k => k.Name.PadRight(Column))).Append('\n');
        foreach (var scenario in cells.Select(c => c.Scenario).Distinct())
        {
            sb.Append($"{scenario,-30}");
            foreach (var kernel in KernelChoice.Lab.Select(k => k.Name))
            {
                var cell = cells.FirstOrDefault(c => c.Scenario == scenario && c.Kernel == kernel);
                sb.Append((cell is null ? "-" : Text(cell, n)).PadRight(Column));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    public static string Json(IReadOnlyList<MatrixCell> cells) => JsonText.Render(w =>
    {
        w.WriteStartArray();
        foreach (var c in cells)
        {
            w.WriteStartObject();
            w.WriteString("kernel", c.Kernel);
            w.WriteString("scenario", c.Scenario);
            w.WriteNumber("schedules", c.Schedules);
            Counts("violations", c.Violations);
            Counts("reported", c.Reported);
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

    // "split:560 [daxplug-exit-1:600] (all 40)": per 10k schedules run.
    private static string Text(MatrixCell c, int n)
    {
        var text = c.Violations.Count == 0 ? "0" : string.Join(" ", c.Violations.Select(kv => $"{kv.Key}:{kv.Value * 10000L / c.Schedules}"));
        if (c.Reported.Count > 0)
        {
            text += " [" + string.Join(" ", c.Reported.Select(kv => $"{kv.Key}:{kv.Value * 10000L / c.Schedules}")) + "]";
        }

        return c.Schedules < n ? text + $" (all {c.Schedules})" : text;
    }
}
