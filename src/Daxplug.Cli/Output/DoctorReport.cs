using System.Text;
using Daxplug.Control.Doctor;
using Daxplug.Control.Listing;

namespace Daxplug.Cli.Output;

/// <summary>doctor's findings as text (warning/info, where, what, why, fix) or as a JSON list.</summary>
internal static class DoctorReport
{
    public static string Text(List<Finding> findings)
    {
        if (findings.Count == 0)
        {
            return "no competing controllers found\n";
        }

        var sb = new StringBuilder();
        foreach (var f in findings)
        {
            sb.Append($"{Severity(f)}: {f.Where}: {f.What}\n  why: {f.Why}\n  fix: {f.Fix}\n");
        }

        return sb.ToString();
    }

    public static string Json(List<Finding> findings) => JsonText.Render(w =>
    {
        w.WriteStartArray();
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("severity", Severity(f));
            w.WriteString("where", f.Where);
            w.WriteString("what", f.What);
            w.WriteString("why", f.Why);
            w.WriteString("fix", f.Fix);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    private static string Severity(Finding f) => f.Severity == Control.Doctor.Severity.Warning ? "warning" : "info";
}
