using System.CommandLine;
using Daxplug.Cli.CommandLine;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug lab": competing controllers under the deterministic scheduler.</summary>
internal static class LabVerb
{
    public static Command Build(SharedOptions o)
    {
        var lab = new Command("lab", "The race lab: competing controllers under a deterministic scheduler, per kernel.\n\n" +
                                     "Examples:\n  daxplug lab run --kernel hotplug-v3 --scenario unplug-vs-zone-mover\n  daxplug lab matrix --schedules 1000 --json");
        foreach (var verb in new[] { LabRunVerb.Build(o), LabReplayVerb.Build(), LabReplayVerb.BuildSvg(), LabMatrixVerb.Build(o) })
        {
            lab.Subcommands.Add(verb);
        }

        return lab;
    }
}
