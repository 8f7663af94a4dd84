using Daxplug.Control.Sysfs;
using Daxplug.Control.Transitions;

namespace Daxplug.Cli.Output;

/// <summary>How the verbs that change something report it, and ask before they write this machine's /sys.</summary>
internal static class OutcomeReport
{
    /// <summary>The outcome's message (stdout when done, else stderr), its note; returns its exit code.</summary>
    public static int Print(Outcome outcome)
    {
        (outcome.Code == OutcomeCode.Done ? Console.Out : Console.Error).WriteLine((outcome.Code == OutcomeCode.Done ? "" : "daxplug: ") + outcome.Message);
        if (outcome.Note is { } note)
        {
            Console.Error.WriteLine($"daxplug: note: {note}");
        }

        return (int)outcome.Code;
    }

    /// <summary>Writing the machine's real /sys is never implicit: --yes, or a "y" on a terminal.</summary>
    public static void Confirm(ISysfs sysfs, bool yes, string what)
    {
        if (!sysfs.IsHost || yes)
        {
            return;
        }

        if (Console.IsInputRedirected)
        {
            throw new CliException($"{what} would write this machine's /sys; add --yes to confirm", CliException.Usage);
        }

        Console.Error.Write($"daxplug: {what} writes this machine's /sys. Continue? [y/N] ");
        if (StdStreams.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
        {
            throw new CliException("not confirmed; nothing changed", CliException.Usage);
        }
    }
}
