using System.Globalization;
using System.Text;

namespace Daxplug.Lab;

/// <summary>
/// An SVG swimlane of one schedule: a lane per agent, a mark per step it ran, its sysfs writes as labels (green
/// when the kernel said yes, red otherwise) and the violations at the step they were seen.
/// </summary>
public static class Swimlane
{
    public static string Render(string title, ScheduleResult result)
    {
        var agents = result.Trace.Select(t => t.AgentName).Distinct().ToList();
        const int laneHeight = 60, left = 140, stepWidth = 6, top = 40;
        int steps = Math.Max(1, result.Trace.Count);
        int width = left + (steps * stepWidth) + 640, height = top + (agents.Count * laneHeight) + 60;
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

        int row = 0;
        foreach (var line in result.Log)
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

        int vy = top + (agents.Count * laneHeight) + 20;
        foreach (var v in result.Violations)
        {
            int x = left + (Math.Min(v.Step, steps) * stepWidth);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{vy - 10}\" stroke=\"#c62828\" stroke-dasharray=\"4 2\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{vy}\" fill=\"#c62828\">{Escape(v.Kind)}: {Escape(v.Detail)}</text>\n");
            vy += 14;
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static string Short(string s) => s.Replace("/sys/devices/system/memory/", "", StringComparison.Ordinal).Replace("/sys/bus/dax/", "", StringComparison.Ordinal);

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
