using System.CommandLine;
using Daxplug.Cli.CommandLine;

namespace Daxplug.Cli.Verbs;

/// <summary>"sim dmesg": the simulated kernel's log.</summary>
internal static class SimDmesgVerb
{
    public static Command Build(SimOptions o)
    {
        var dmesg = new Command("dmesg", "Print the simulated kernel's log (what dmesg would show)");
        dmesg.SetAction(r =>
        {
            Console.Out.Write(o.Open(r).Log.Format());
            return 0;
        });
        return dmesg;
    }
}
