using System.CommandLine;
using Daxplug.Cli.CommandLine;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug sim": the simulated kernel, looked at and poked in process, or served to real tools.</summary>
internal static class SimVerb
{
    public static Command Build()
    {
        var o = new SimOptions();
        var sim = new Command("sim", "The simulated kernel: its sysfs, read and written in process, or served to real tools over FUSE.\n\n" +
                                     "Examples:\n  daxplug sim show\n  daxplug sim cat /sys/devices/system/memory/memory40/valid_zones\n" +
                                     "  daxplug sim --state /tmp/k.json write /sys/devices/system/memory/memory40/state offline\n" +
                                     "  daxplug sim dump --machine host --out /tmp/snap && lsmem --sysroot /tmp/snap");
        foreach (var option in o.All)
        {
            sim.Options.Add(option);
        }

        foreach (var verb in new[] { SimShowVerb.Build(o), SimCatVerb.Build(o), SimWriteVerb.Build(o), SimDumpVerb.Build(o), SimMachineVerb.Build(o),
                                     SimDmesgVerb.Build(o), SimServeVerb.Build(o), SimExecVerb.Build(o), SimExecVerb.BuildInner(o) })
        {
            sim.Subcommands.Add(verb);
        }

        return sim;
    }
}
