using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Cli.Output;
using Daxplug.Control.Transitions;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug reconfigure DEVICE --mode MODE": daxctl reconfigure-device, with an atomic online/unplug.</summary>
internal static class ReconfigureVerb
{
    public static Command Build(SharedOptions o)
    {
        var device = o.Device("The dax device (dax0.0)", optional: false);
        var mode = new Option<string>("--mode", "-m") { Description = "system-ram (kmem) or devdax (device_dax)", Required = true };
        mode.AcceptOnlyFromAmong("system-ram", "devdax");
        var noOnline = new Option<bool>("--no-online", "-N") { Description = "system-ram: leave the memory offline" };
        var noMovable = new Option<bool>("--no-movable") { Description = "system-ram: online into the kernel's zone choice, not ZONE_MOVABLE" };
        var force = new Option<bool>("--force", "-f") { Description = "system-ram: ignore an auto-onlining kernel policy; devdax: unplug online memory first" };
        var reconfigure = o.ControllerVerb("reconfigure", "Switch a device between system-ram (kmem) and devdax (device_dax), as daxctl reconfigure-device " +
                                                          "does, but with an atomic online/unplug and a rollback of the driver switch.\n\n" +
                                                          "Examples:\n  daxplug reconfigure dax0.0 --mode devdax --force\n  daxplug reconfigure dax0.0 --mode system-ram --no-movable");
        reconfigure.Arguments.Add(device);
        foreach (var option in new Option[] { mode, noOnline, noMovable, force, o.Yes, o.Recover })
        {
            reconfigure.Options.Add(option);
        }

        reconfigure.SetAction(r =>
        {
            var (name, m) = (r.GetValue(device)!, r.GetValue(mode)!);
            using var t = o.Target.Open(r, writes: true);
            OutcomeReport.Confirm(t.Sysfs, r.GetValue(o.Yes), $"reconfigure {name} --mode {m}");
            var rc = new Reconfigure(t.Sysfs, t.Controller(r.GetValue(o.Recover)));
            return OutcomeReport.Print(m == "system-ram"
                ? rc.ToSystemRam(name, !r.GetValue(noOnline), !r.GetValue(noMovable), r.GetValue(force))
                : rc.ToDevdax(name, r.GetValue(force)));
        });
        return reconfigure;
    }
}
