using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Cli.Output;

namespace Daxplug.Cli.Verbs;

/// <summary>"sim show": the machine summarized (nodes, blocks by state and zone, tiers).</summary>
internal static class SimShowVerb
{
    public static Command Build(SimOptions o)
    {
        var show = new Command("show", "Summarize the machine: nodes, memory blocks by state and zone, memory tiers");
        show.SetAction(r =>
        {
            Console.Out.Write(SimShow.Render(o.Open(r)));
            return 0;
        });
        return show;
    }
}
