using System.Text;
using Daxplug.Kernel;
using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Cli.Output;

/// <summary>The human summary of a simulated kernel that "sim show" prints.</summary>
internal static class SimShow
{
    public static string Render(KernelModel kernel)
    {
        var sb = new StringBuilder();
        var p = kernel.Params;
        sb.Append($"machine {kernel.Machine.Name}, kernel {kernel.Choice}, block size {Size(kernel.BlockSizeBytes)}, ")
          .Append($"auto_online_blocks={OnlineTypes.ToStr(p.AutoOnlineBlocks)}, online_policy={HotplugParams.OnlinePolicyNames[(int)p.OnlinePolicy]}\n\n");

        sb.Append("NODE  CPUS    STATE    ONLINE MEMORY  BLOCKS  ZONES (present)\n");
        foreach (var node in kernel.PossibleNodes)
        {
            var zones = string.Join(' ', node.Zones.Where(z => z.Populated).Select(z => $"{z.Name}:{Size(z.PresentPages * KernelModel.PageSize)}"));
            var st = kernel.NodeStates.Has(node.Id, NodeState.Online) ? "online" : "offline";
            sb.Append($"{node.Id,-5} {Cpus(node),-7} {st,-8} {Size(node.PresentPages * KernelModel.PageSize),13}  {kernel.Hotplug.BlocksOnNode(node.Id),6}  {zones}\n");
        }

        sb.Append("\nRANGE                                      SIZE  STATE    BLOCK      NODE  ZONES\n");
        foreach (var run in Runs(kernel))
        {
            ulong start = run.First.StartPfn * KernelModel.PageSize;
            ulong end = (run.Last.EndPfn * KernelModel.PageSize) - 1;
            var blocks = run.First.Id == run.Last.Id ? $"{run.First.Id}" : $"{run.First.Id}-{run.Last.Id}";
            sb.Append($"0x{start:x16}-0x{end:x16} {Size(end - start + 1),6}  {run.State,-8} {blocks,-10} {run.First.Nid,4}  {run.Zones}\n");
        }

        if (kernel.Dax.Devices.Any())
        {
            var attr = kernel.KmemDriver.AttributeName;
            sb.Append($"\nDEVICE   DRIVER      SIZE  NODE  {(attr ?? "-"),-14}  RANGES\n");
            foreach (var dev in kernel.Dax.Devices)
            {
                var state = attr is not null && dev.Kmem is not null ? kernel.KmemDriver.AttributeShow(dev)?.TrimEnd('\n') ?? "" : "-";
                var ranges = string.Join(' ', dev.Ranges.Select(r => $"0x{r.Start:x}-0x{r.End:x}"));
                sb.Append($"{dev.Name,-8} {dev.Driver?.Name ?? "-",-10} {Size(dev.Size),5}  {dev.Region.TargetNode,4}  {state,-14}  {ranges}\n");
            }
        }

        sb.Append("\nTIER            ADISTANCE  NODES\n");
        foreach (var tier in kernel.Tiers.Tiers)
        {
            sb.Append($"memory_tier{tier.Id,-4} {tier.AdistanceStart,9}-{tier.AdistanceStart + MemoryTiers.ChunkSize - 1,-4} {KernelFormat.BitmapList(tier.Nodes)}\n");
        }

        return sb.ToString();
    }

    private static string Cpus(NumaNode node) => node.Cpus.Count == 0 ? "-" : KernelFormat.BitmapList(node.Cpus);

    /// <summary>Consecutive blocks with the same state, node and zones, as lsmem merges them.</summary>
    private static IEnumerable<(MemoryBlock First, MemoryBlock Last, string State, string Zones)> Runs(KernelModel kernel) =>
        Daxplug.Control.Listing.Runs.Of(
                kernel.Blocks.All().Select(mem => (Block: mem, State: MemorySysfsNames.State(mem.State), Zones: kernel.Hotplug.ValidZones(mem).TrimEnd('\n'))),
                b => b.Block.Id, (a, b) => a.State == b.State && a.Zones == b.Zones && a.Block.Nid == b.Block.Nid)
            .Select(r => (r.First.Block, r.Last.Block, r.First.State, r.First.Zones));

    /// <summary>Sizes as lsmem prints them (the controller's table formatter).</summary>
    public static string Size(ulong bytes) => Daxplug.Control.Listing.Tables.Size(bytes);
}
