using Daxplug.Kernel.Numa;

namespace Daxplug.Kernel.Memory;

/// <summary>
/// init_per_zone_wmark_min() (mm/page_alloc.c): min_free_kbytes from the low memory, each zone's watermarks and
/// lowmem reserves, recomputed at boot and after every online_pages()/offline_pages(), over the online nodes.
/// </summary>
public sealed class Watermarks(KernelModel kernel)
{
    // sysctl_lowmem_reserve_ratio[] for DMA, DMA32, Normal, Movable, Device.
    private static readonly ulong[] LowmemReserveRatio = [256, 256, 32, 0, 0];

    private const ulong SwapClusterMax = 32, WatermarkScaleFactor = 10;

    /// <summary>min_free_kbytes.</summary>
    public ulong MinFreeKbytes { get; private set; }

    private IEnumerable<Zone> OnlineZones =>
        kernel.PossibleNodes.Where(n => kernel.NodeStates.Has(n.Id, NodeState.Online)).SelectMany(n => n.Zones);

    // Models init_per_zone_wmark_min(), with khugepaged_min_free_kbytes_update() (Debian: THP on for madvise,
    // so khugepaged runs).
    public void InitPerZoneWmarkMin()
    {
        CalculateMinFreeKbytes();
        SetupPerZoneWmarks();
        SetupPerZoneLowmemReserve();
        SetRecommendedMinFreeKbytes();
    }

    // Models set_recommended_min_free_kbytes() (mm/khugepaged.c): per populated kernel zone, two free pageblocks and
    // MIGRATE_PCPTYPES² more, at most 5% of the low memory; it only ever raises min_free_kbytes.
    private void SetRecommendedMinFreeKbytes()
    {
        const ulong pageblockPages = 512, migratePcpTypes = 3;
        ulong zones = (ulong)OnlineZones.Count(z => z.Populated && ZoneTypes.IsKernel(z.Type));
        ulong recommended = pageblockPages * zones * 2 + pageblockPages * zones * migratePcpTypes * migratePcpTypes;
        recommended = Math.Min(recommended, NrFreeBufferPages() / 20) * (KernelModel.PageSize / 1024);
        if (recommended > MinFreeKbytes)
        {
            MinFreeKbytes = recommended;
        }

        SetupPerZoneWmarks();
    }

    // Models nr_free_buffer_pages(): the kernel zones' managed pages above their high watermark.
    private ulong NrFreeBufferPages() =>
        OnlineZones.Where(z => ZoneTypes.IsKernel(z.Type)).Aggregate(0UL, (s, z) => s + (z.ManagedPages > z.High ? z.ManagedPages - z.High : 0));

    // Models calculate_min_free_kbytes(): int_sqrt(lowmem_kbytes * 16) within [128, 262144], lowmem being
    // nr_free_buffer_pages().
    private void CalculateMinFreeKbytes()
    {
        ulong kbytes = NrFreeBufferPages() * (KernelModel.PageSize / 1024);
        MinFreeKbytes = Math.Clamp(IntSqrt(kbytes * 16), 128, 262144);
    }

    // int_sqrt(): the floor of the square root.
    private static ulong IntSqrt(ulong x)
    {
        ulong r = (ulong)Math.Sqrt(x);
        while (r * r > x)
        {
            r--;
        }

        while ((r + 1) * (r + 1) <= x)
        {
            r++;
        }

        return r;
    }

    // Models __setup_per_zone_wmarks(): min shared out by managed pages (Movable from 6.12: managed / 1024 in
    // [32, 128]);
    // low, high and promo one step apart, the step max(min / 4, managed * watermark_scale_factor / 10000).
    private void SetupPerZoneWmarks()
    {
        ulong pagesMin = MinFreeKbytes / (KernelModel.PageSize / 1024);
        bool highmemLike = kernel.Release.MovableWatermarksAsHighmem;
        ulong lowmem = OnlineZones.Where(z => !highmemLike || z.Type != ZoneType.Movable).Aggregate(0UL, (s, z) => s + z.ManagedPages);
        foreach (var zone in OnlineZones)
        {
            ulong tmp = lowmem == 0 ? 0 : pagesMin * zone.ManagedPages / lowmem;
            zone.Min = highmemLike && zone.Type == ZoneType.Movable ? Math.Clamp(zone.ManagedPages / 1024, SwapClusterMax, 128) : tmp;
            tmp = Math.Max(tmp >> 2, zone.ManagedPages * WatermarkScaleFactor / 10000);
            zone.Low = zone.Min + tmp;
            zone.High = zone.Low + tmp;
            zone.Promo = zone.High + tmp;
        }
    }

    // Models setup_per_zone_lowmem_reserve(): a zone keeps back the managed pages of the zones above it divided by
    // its ratio (none with ratio 0 or no managed pages). Index 4 is ZONE_DEVICE, which has no managed pages.
    private void SetupPerZoneLowmemReserve()
    {
        foreach (var node in kernel.PossibleNodes.Where(n => kernel.NodeStates.Has(n.Id, NodeState.Online)))
        {
            for (int i = 0; i < ZoneTypes.Count; i++)
            {
                var zone = node.Zones[i];
                bool clear = LowmemReserveRatio[i] == 0 || zone.ManagedPages == 0;
                ulong managed = 0;
                for (int j = i + 1; j < zone.LowmemReserve.Length; j++)
                {
                    managed += j < ZoneTypes.Count ? node.Zones[j].ManagedPages : 0;
                    zone.LowmemReserve[j] = clear ? 0 : managed / LowmemReserveRatio[i];
                }
            }
        }
    }
}
