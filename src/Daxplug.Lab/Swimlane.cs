using System.Globalization;
using System.Text;

namespace Daxplug.Lab;

/// <summary>
/// An SVG swimlane of one schedule: a lane per agent, a mark per step it ran, its sysfs writes as labels (green
/// when the kernel said yes, red otherwise), the violations at the step they were seen, and, when the schedule was
/// recorded with them, the device's blocks over time (a row per block, coloured by state).
/// </summary>
public static class Swimlane
{
    private const int laneHeight = 60, left = 140, stepWidth = 6, top = 40, blockRow = 2, legend = 24;

    public static string Render(string title, ScheduleResult result)
    {
        var agents = result.Trace.Select(t => t.AgentName).Distinct().ToList();
        int steps = Math.Max(1, result.Trace.Count);
        var blocks = result.Blocks;
        int band = blocks is null ? 0 : legend + (blocks.Ids.Count * blockRow) + 10;
        int width = left + (steps * stepWidth) + 640, height = top + (agents.Count * laneHeight) + 60 + band + (result.Violations.Count * 14);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"monospace\" font-size=\"11\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"20\" font-size=\"14\">{Escape(title)}</text>\n");
        for (int i = 0; i < agents.Count; i++)
        {
            int y = top + (i * laneHeight);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"{y}\" width=\"{width}\" height=\"{laneHeight - 4}\" fill=\"{(i % 2 == 0 ? "#f4f4f4" : "#ffffff")}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"8\" y=\"{y + 20}\">{Escape(agents[i])}</text>\n");
        }

        foreach (var step in result.Trace)
        {
            int y = top + (agents.IndexOf(step.AgentName) * laneHeight) + 26;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + (step.Step * stepWidth)}\" y=\"{y}\" width=\"{stepWidth - 1}\" height=\"10\" fill=\"#4a78c2\"><title>{step.Step}: {Escape(step.Point)}</title></rect>\n");
        }

        Writes(svg, result.Log, agents, steps);
        if (blocks is not null)
        {
            BlockBand(svg, blocks, top + (agents.Count * laneHeight) + 6);
        }

        int vy = top + (agents.Count * laneHeight) + 20 + band;
        foreach (var v in result.Violations)
        {
            int x = left + (Math.Min(v.Step, steps) * stepWidth);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{vy - 10}\" stroke=\"#c62828\" stroke-dasharray=\"4 2\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{vy}\" fill=\"#c62828\">{Escape(v.Kind)}: {Escape(v.Detail)}</text>\n");
            vy += 14;
        }

        return svg.Append("</svg>\n").ToString();
    }

    // What each agent wrote and the kernel's answer, under its lane: green when it took, red when refused.
    private static void Writes(StringBuilder svg, IReadOnlyList<string> log, List<string> agents, int steps)
    {
        int row = 0;
        foreach (var line in log)
        {
            // "[step] agent: path <- value: result"
            var close = line.IndexOf(']');
            if (close < 0 || !int.TryParse(line.AsSpan(1, close - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var at))
            {
                continue;
            }

            var agent = line[(close + 2)..line.IndexOf(':', close)];
            int lane = Math.Max(0, agents.IndexOf(agent));
            int x = left + (Math.Min(at, steps) * stepWidth);
            int y = top + (lane * laneHeight) + 50 - (row++ % 2 * 10);
            var ok = line.EndsWith(": ok", StringComparison.Ordinal);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{y}\" font-size=\"8\" fill=\"{(ok ? "#1a7f37" : "#c62828")}\">{Escape(Short(line[(close + 2)..]))}</text>\n");
        }
    }

    // The blocks' states over time under the lanes: one row per block, one rect per run of a state.
    private static void BlockBand(StringBuilder svg, BlockTimeline blocks, int by)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"8\" y=\"{by + 12}\">blocks {blocks.Ids.FirstOrDefault()}-{blocks.Ids.LastOrDefault()}</text>\n");
        int lx = left;
        foreach (var (ch, name) in new[] { ('M', "online movable"), ('K', "online kernel zone"), ('o', "offline"), ('-', "removed") })
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx}\" y=\"{by + 3}\" width=\"10\" height=\"10\" fill=\"{Colour(ch)}\"/><text x=\"{lx + 14}\" y=\"{by + 12}\">{name}</text>\n");
            lx += 150;
        }

        by += legend;
        for (int b = 0; b < blocks.Ids.Count; b++)
        {
            // One rect per run of the same state.
            int start = 0;
            for (int s = 1; s <= blocks.States.Count; s++)
            {
                if (s == blocks.States.Count || blocks.States[s][b] != blocks.States[start][b])
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + (start * stepWidth)}\" y=\"{by + (b * blockRow)}\" width=\"{(s - start) * stepWidth}\" height=\"{blockRow}\" fill=\"{Colour(blocks.States[start][b])}\"><title>memory{blocks.Ids[b]}</title></rect>\n");
                    start = s;
                }
            }
        }
    }

    private static string Colour(char state) => state switch
    {
        'M' => "#4caf50",
        'K' => "#ff9800",
        'o' => "#b0bec5",
        _ => "#ffffff",
    };

    private static string Short(string s) => s.Replace("/sys/devices/system/memory/", "", StringComparison.Ordinal).Replace("/sys/bus/dax/", "", StringComparison.Ordinal);

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
