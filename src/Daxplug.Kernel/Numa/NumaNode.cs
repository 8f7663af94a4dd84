using Daxplug.Kernel.Memory;

namespace Daxplug.Kernel.Numa;

/// <summary>pg_data_t: a possible NUMA node, its zones and CPUs. Registered = its nodeN sysfs device exists.</summary>
public sealed class NumaNode
{
    public NumaNode(int id, IReadOnlyList<int> cpus)
    {
        Id = id;
        Cpus = cpus;
        Zones = new Zone[ZoneTypes.Count];
        for (int i = 0; i < Zones.Length; i++)
        {
            Zones[i] = new Zone(id, (ZoneType)i);
        }
    }

    public int Id { get; }

    public IReadOnlyList<int> Cpus { get; }

    public Zone[] Zones { get; }

    public Zone this[ZoneType type] => Zones[(int)type];

    /// <summary>The nodeN device is registered (sysfs directory present).</summary>
    public bool Registered { get; internal set; }

    // Models node_spanned_pages(): the node span is the union of its zone spans (update_pgdat_span()).
    public ulong SpannedPages
    {
        get
        {
            ulong start = ulong.MaxValue, end = 0;
            foreach (var zone in Zones)
            {
                if (!zone.IsEmpty)
                {
                    start = Math.Min(start, zone.StartPfn);
                    end = Math.Max(end, zone.EndPfn);
                }
            }

            return end > start ? end - start : 0;
        }
    }

    /// <summary>Present pages at boot that no memory block accounts for (firmware holes the block view rounds).</summary>
    public ulong BootUnaccountedPages { get; internal set; }

    public ulong PresentPages => Zones.Aggregate(0UL, (sum, z) => sum + z.PresentPages);

    /// <summary>Present pages in DMA..Normal.</summary>
    public ulong PresentKernelPages => Zones.Where(z => ZoneTypes.IsKernel(z.Type)).Aggregate(0UL, (s, z) => s + z.PresentPages);
}
