using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Control.Discovery;
using Daxplug.Control.Listing;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug list": dax regions and devices, as a table or as daxctl list's JSON.</summary>
internal static class ListVerb
{
    public static Command Build(SharedOptions o)
    {
        var device = o.Device("A dax device (dax0.0); all when omitted", optional: true);
        var devices = new Option<bool>("-D", "--devices") { Description = "List devices (the default)" };
        var regions = new Option<bool>("-R", "--regions") { Description = "List regions (with -D: devices nested in them; implies --json)" };
        var mappings = new Option<bool>("-M", "--mappings") { Description = "Include each device's mappings (implies --json)" };
        var human = new Option<bool>("-u", "--human") { Description = "Human sizes and hex addresses (implies --json)" };
        var list = o.ControllerVerb("list", "List dax regions and devices: modes, sizes, nodes, blocks online, zones, the kernel's attribute. " +
                                            "A table, or with --json daxctl list's format (-R, -M and -u are daxctl's options and imply it).\n\n" +
                                            "Examples:\n  daxplug list\n  daxplug list --json -R -D -M\n  daxplug --sim list dax1.0 -u");
        list.Arguments.Add(device);
        foreach (var option in new Option[] { devices, regions, mappings, human, o.Json })
        {
            list.Options.Add(option);
        }

        list.SetAction(r =>
        {
            using var t = o.Target.Open(r);
            var inv = Discover.Run(t.Sysfs);
            var name = r.GetValue(device);
            if (name is not null && inv.Device(name) is null)
            {
                throw new CliException($"no dax device '{name}'", CliException.Usage);
            }

            bool json = r.GetValue(o.Json) || r.GetValue(human) || r.GetValue(regions) || r.GetValue(mappings);
            var opt = new ListOptions(r.GetValue(devices) || !r.GetValue(regions), r.GetValue(regions), r.GetValue(mappings), r.GetValue(human));
            Console.Out.Write(json ? DaxctlJson.Render(inv, opt, name) : Tables.Devices(inv with { Devices = [.. inv.Devices.Where(d => name is null || d.Name == name)] }));
            if (t.Controller().PendingNote() is { } pending)
            {
                Console.Error.WriteLine($"daxplug: {pending.What}");
            }

            return 0;
        });
        return list;
    }
}
