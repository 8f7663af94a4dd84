using System.Text;
using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Resource;

namespace Daxplug.Kernel.Memory;

/// <summary>
/// /proc/meminfo (meminfo_proc_show(), fs/proc/meminfo.c, with hugetlb_report_meminfo() and x86's
/// arch_report_meminfo()) and nodeN/meminfo (node_read_meminfo(), drivers/base/node.c) in a Debian amd64 kernel's
/// layout for the modelled release. The memory counters are the model's (managed pages, poisoned pages, the direct
/// map); the model runs no workload, so page cache, slab, stacks and the like read 0 and MemAvailable is MemFree.
/// </summary>
public static class MemInfo
{
    private const ulong KbPerPage = KernelModel.PageSize / 1024;

    /// <summary>Where a line is printed: /proc/meminfo, nodeN/meminfo, or both.</summary>
    [Flags]
    private enum In
    {
        Proc = 1,
        Node = 2,
        Both = Proc | Node,
    }

    /// <summary>
    /// One line: its label as the kernel pads it, the width of its value, whether it is in kB, which files print it
    /// and from which release (the first release the oracle saw it in where the source release is not known here).
    /// </summary>
    private sealed record Line(string Name, In Where, Func<Totals, ulong> Value, int LabelWidth = 16, int Width = 8, bool Kb = true,
        (int Major, int Minor)? Since = null, (int Major, int Minor)? NodeSince = null);

    /// <summary>The counters the model keeps, in kB.</summary>
    private readonly record struct Totals(ulong Total, ulong Free, ulong Poisoned, ulong Map4k, ulong Map2M, ulong Map1G);

    private static Line Zero(string name, In where, (int, int)? since = null, (int, int)? nodeSince = null) =>
        new(name, where, _ => 0, Since: since, NodeSince: nodeSince);

    // The lines in the kernel's order; a line in both files sits where each file prints it.
    private static readonly Line[] Lines =
    [
        new("MemTotal", In.Both, t => t.Total),
        new("MemFree", In.Both, t => t.Free),
        new("MemAvailable", In.Proc, t => t.Free),
        new("MemUsed", In.Node, t => t.Total - t.Free),
        Zero("Buffers", In.Proc), Zero("Cached", In.Proc), Zero("SwapCached", In.Both), Zero("Active", In.Both),
        Zero("Inactive", In.Both), Zero("Active(anon)", In.Both), Zero("Inactive(anon)", In.Both),
        Zero("Active(file)", In.Both), Zero("Inactive(file)", In.Both), Zero("Unevictable", In.Both),
        Zero("Mlocked", In.Both), Zero("SwapTotal", In.Proc), Zero("SwapFree", In.Proc), Zero("Zswap", In.Proc),
        Zero("Zswapped", In.Proc), Zero("Dirty", In.Both), Zero("Writeback", In.Both), Zero("FilePages", In.Node),
        Zero("Mapped", In.Node), Zero("AnonPages", In.Both), Zero("Mapped", In.Proc), Zero("Shmem", In.Both),
        Zero("KernelStack", In.Node), Zero("PageTables", In.Node), Zero("SecPageTables", In.Node),
        Zero("NFS_Unstable", In.Node), Zero("Bounce", In.Node), Zero("WritebackTmp", In.Node),
        Zero("KReclaimable", In.Both), Zero("Slab", In.Both), Zero("SReclaimable", In.Both), Zero("SUnreclaim", In.Both),
        Zero("KernelStack", In.Proc), Zero("PageTables", In.Proc), Zero("SecPageTables", In.Proc),
        Zero("NFS_Unstable", In.Proc), Zero("Bounce", In.Proc), Zero("WritebackTmp", In.Proc),
        // vm_commit_limit(): (totalram - hugetlb) * overcommit_ratio (50) / 100 + swap.
        new("CommitLimit", In.Proc, t => t.Total * 50 / 100),
        Zero("Committed_AS", In.Proc),
        // VMALLOC_TOTAL with 4-level paging.
        new("VmallocTotal", In.Proc, _ => 13743895347199),
        Zero("VmallocUsed", In.Proc), Zero("VmallocChunk", In.Proc), Zero("Percpu", In.Proc),
        new("HardwareCorrupted", In.Proc, t => t.Poisoned, LabelWidth: 19, Width: 5),
        Zero("AnonHugePages", In.Both), Zero("ShmemHugePages", In.Both), Zero("ShmemPmdMapped", In.Both),
        Zero("FileHugePages", In.Both), Zero("FilePmdMapped", In.Both),
        Zero("CmaTotal", In.Proc, since: (7, 2)), Zero("CmaFree", In.Proc, since: (7, 2)),
        Zero("Unaccepted", In.Both, since: (6, 5), nodeSince: (6, 5)),
        Zero("Balloon", In.Both, since: (6, 18), nodeSince: (7, 2)),
        Zero("GPUActive", In.Both, since: (7, 2), nodeSince: (7, 2)), Zero("GPUReclaim", In.Both, since: (7, 2), nodeSince: (7, 2)),
        new("HugePages_Total", In.Proc, _ => 0, LabelWidth: 19, Width: 5, Kb: false),
        new("HugePages_Free", In.Proc, _ => 0, LabelWidth: 19, Width: 5, Kb: false),
        new("HugePages_Rsvd", In.Proc, _ => 0, LabelWidth: 19, Width: 5, Kb: false),
        new("HugePages_Surp", In.Proc, _ => 0, LabelWidth: 19, Width: 5, Kb: false),
        new("Hugepagesize", In.Proc, _ => 2048),
        Zero("Hugetlb", In.Proc),
        new("HugePages_Total", In.Node, _ => 0, LabelWidth: 17, Width: 5, Kb: false),
        new("HugePages_Free", In.Node, _ => 0, LabelWidth: 17, Width: 5, Kb: false),
        new("HugePages_Surp", In.Node, _ => 0, LabelWidth: 17, Width: 5, Kb: false),
        new("DirectMap4k", In.Proc, t => t.Map4k),
        new("DirectMap2M", In.Proc, t => t.Map2M),
        new("DirectMap1G", In.Proc, t => t.Map1G),
    ];

    /// <summary>/proc/meminfo.</summary>
    public static string Proc(KernelModel kernel) =>
        Format(kernel, In.Proc, "", Count(kernel, kernel.PossibleNodes));

    /// <summary>/sys/devices/system/node/nodeN/meminfo.</summary>
    public static string Node(KernelModel kernel, NumaNode node) =>
        Format(kernel, In.Node, $"Node {node.Id} ", Count(kernel, [node]));

    private static string Format(KernelModel kernel, In where, string prefix, Totals totals)
    {
        var sb = new StringBuilder();
        foreach (var line in Lines)
        {
            var since = where == In.Node ? line.NodeSince ?? line.Since : line.Since;
            if ((line.Where & where) == 0 || (since is { } s && !kernel.Release.AtLeast(s.Major, s.Minor))
                || (line.Name == "HardwareCorrupted" && !kernel.Machine.MemoryFailure))
            {
                continue;
            }

            ulong value = line.Value(totals);
            sb.Append(prefix).Append((line.Name + ":").PadRight(line.LabelWidth))
              .Append(value.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(line.Width))
              .Append(line.Kb ? " kB\n" : "\n");
        }

        return sb.ToString();
    }

    // si_meminfo()/si_meminfo_node(): managed pages, NR_FREE_PAGES, num_poisoned_pages, the direct map.
    private static Totals Count(KernelModel kernel, IEnumerable<NumaNode> nodes)
    {
        ulong total = 0, free = 0, poisoned = (ulong)kernel.Blocks.All().Sum(b => b.PoisonedPfns.Count);
        foreach (var node in nodes)
        {
            total += node.Zones.Aggregate(0UL, (s, z) => s + z.ManagedPages);
            free += FreePages(kernel, node).Aggregate(0UL, (s, f) => s + f);
        }

        var (map4k, map2m, map1g) = DirectMap(kernel.Iomem);
        return new Totals(total * KbPerPage, free * KbPerPage, poisoned * KbPerPage, map4k, map2m, map1g);
    }

    /// <summary>
    /// NR_FREE_PAGES of each zone of <paramref name="node"/>: the model runs no workload, so every managed page is
    /// free but the poisoned pages of its online blocks (memory_failure() takes them off the buddy).
    /// </summary>
    public static ulong[] FreePages(KernelModel kernel, NumaNode node)
    {
        var free = node.Zones.Select(z => z.ManagedPages).ToArray();
        foreach (var mem in kernel.Blocks.All().Where(b => b.Nid == node.Id && b.Zone is not null))
        {
            free[(int)mem.Zone!.Type] -= Math.Min((ulong)mem.PoisonedPfns.Count, free[(int)mem.Zone.Type]);
        }

        return free;
    }

    // x86's direct map (kernel_physical_mapping_init()/phys_pud_init()): every System RAM range, boot or hot-added,
    // mapped with the largest page its alignment allows (1 GiB pages: the CPUs the model stands for have them).
    // The kernel splits some large pages later (the image's protections, the first MiB); the model does not.
    private static (ulong Map4k, ulong Map2M, ulong Map1G) DirectMap(IomemTree iomem)
    {
        const ulong G = 1UL << 30, M2 = 1UL << 21, K4 = 1UL << 12;
        ulong map4k = 0, map2m = 0, map1g = 0;
        foreach (var r in iomem.All().Where(r => (r.Flags & ResourceFlags.SystemRam) != 0 && r.Name.StartsWith("System RAM", StringComparison.Ordinal)))
        {
            ulong a = r.Start / K4 * K4, end = (r.End + 1 + K4 - 1) / K4 * K4;
            while (a < end)
            {
                if (a % G == 0 && a + G <= end)
                {
                    map1g += G;
                    a += G;
                }
                else if (a % M2 == 0 && a + M2 <= end)
                {
                    map2m += M2;
                    a += M2;
                }
                else
                {
                    map4k += K4;
                    a += K4;
                }
            }
        }

        return (map4k / 1024, map2m / 1024, map1g / 1024);
    }
}
