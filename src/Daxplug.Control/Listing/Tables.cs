using System.Text;
using Daxplug.Control.Discovery;

namespace Daxplug.Control.Listing;

/// <summary>The human tables: devices for "list", lsmem-style runs of blocks for "blocks".</summary>
public static class Tables
{
    public static string Devices(Inventory inv)
    {
        var sb = new StringBuilder();
        sb.Append("DEVICE   MODE        SIZE  NODE  STATE           BLOCKS     ZONES           ATTRIBUTE\n");
        foreach (var d in inv.Devices)
        {
            var attr = d.Attribute is { } a ? $"{a.File}={a.Value}" : "-";
            var zones = d.Zones.Count > 0 ? string.Join(',', d.Zones) : "-";
            var mode = d.Driver is null ? "disabled" : d.Mode;
            sb.Append($"{d.Name,-8} {mode,-10} {Size(d.Size),5}  {d.TargetNode,4}  {d.State,-15} {d.OnlineBlocks + "/" + d.Blocks.Count,-10} {zones,-15} {attr}\n");
        }

        return sb.ToString();
    }

    /// <summary>Runs of consecutive blocks with the same state, node and zones.</summary>
    public static IEnumerable<(BlockInfo First, BlockInfo Last)> Runs(IEnumerable<BlockInfo> blocks) =>
        Listing.Runs.Of(blocks.OrderBy(b => b.Id), b => b.Id, (a, b) => a.State == b.State && a.Zones == b.Zones && a.Node == b.Node);

    public static string Blocks(IEnumerable<BlockInfo> blocks)
    {
        var sb = new StringBuilder("RANGE                                      SIZE  STATE    BLOCK       NODE  ZONES\n");
        foreach (var (first, last) in Runs(blocks))
        {
            ulong end = last.Start + last.Size - 1;
            var ids = first.Id == last.Id ? $"{first.Id}" : $"{first.Id}-{last.Id}";
            sb.Append($"0x{first.Start:x16}-0x{end:x16} {Size(end - first.Start + 1),5}  {first.State,-8} {ids,-11} {first.Node,4}  {first.Zones}\n");
        }

        return sb.ToString();
    }

    /// <summary>lsmem-style sizes: 128M, 2G, 1.5T.</summary>
    public static string Size(ulong bytes)
    {
        string[] units = ["B", "K", "M", "G", "T", "P"];
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }

        return (Math.Abs(v - Math.Round(v)) < 0.05 ? Math.Round(v).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)) + units[u];
    }
}
