using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Sim.Machines;

namespace Daxplug.Cli.Verbs;

/// <summary>"sim machine": the machine description as JSON (e.g. to edit a copy of 'host').</summary>
internal static class SimMachineVerb
{
    public static Command Build(SimOptions o)
    {
        var machine = new Command("machine", "Print the machine description as JSON (e.g. to edit a copy of 'host')");
        machine.SetAction(r =>
        {
            Console.Out.WriteLine(BuiltinMachines.ToJson(o.Open(r).Machine));
            return 0;
        });
        return machine;
    }
}
