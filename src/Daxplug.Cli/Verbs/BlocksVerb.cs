using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Control.Discovery;
using Daxplug.Control.Listing;
using Daxplug.Control.Sysfs;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug blocks": memory blocks as lsmem shows them, for all memory or one device.</summary>
internal static class BlocksVerb
{
    public static Command Build(SharedOptions o)
    {
        var device = o.Device("Only this device's blocks", optional: true);
        var blocks = o.ControllerVerb("blocks", "Memory blocks as lsmem shows them (RANGE SIZE STATE BLOCK NODE ZONES), for all memory or one device; " +
                                                "with --json one object per block");
        blocks.Arguments.Add(device);
        blocks.Options.Add(o.Json);
        blocks.SetAction(r =>
        {
            using var t = o.Target.Open(r);
            return Print(t.Sysfs, r.GetValue(device), r.GetValue(o.Json));
        });
        return blocks;
    }

    /// <summary>Every memory block, or one device's, as a table or JSON.</summary>
    public static int Print(ISysfs sysfs, string? device, bool json)
    {
        var list = device is null
            ? Discover.AllBlocks(sysfs, Discover.BlockSize(sysfs))
            : (Discover.Device(sysfs, device) ?? throw new CliException($"no dax device '{device}'", CliException.Usage)).Blocks;
        StdStreams.WriteOut(json ? BlocksJson.Render(list) : Tables.Blocks(list));
        return 0;
    }
}
