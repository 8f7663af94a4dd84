using System.Globalization;
using System.Text;
using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Numa;

namespace Daxplug.Kernel.Proc;

/// <summary>
/// /proc/zoneinfo (zoneinfo_show_print(), mm/vmstat.c) in 7.3's layout for every release: each online node's five
/// zones (ZONE_DEVICE always empty), with the model's free, spanned, present and managed pages, watermarks and
/// lowmem reserves (<see cref="Watermarks"/>). The model runs no workload: its event and page-state counters are
/// 0 and each CPU's pageset is empty at the high mark it starts with.
/// </summary>
public static class ZoneInfo
{
    // The node_stat_item names (vmstat_text[]) of 7.3.4, printed once per node in its first populated zone.
    private static readonly string[] NodeStats =
    [
        "nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file", "nr_unevictable", "nr_slab_reclaimable",
        "nr_slab_unreclaimable", "nr_isolated_anon", "nr_isolated_file", "workingset_nodes", "workingset_refault_anon",
        "workingset_refault_file", "workingset_activate_anon", "workingset_activate_file", "workingset_restore_anon",
        "workingset_restore_file", "workingset_nodereclaim", "nr_anon_pages", "nr_mapped", "nr_file_pages", "nr_dirty",
        "nr_writeback", "nr_shmem", "nr_shmem_hugepages", "nr_shmem_pmdmapped", "nr_file_hugepages", "nr_file_pmdmapped",
        "nr_anon_transparent_hugepages", "nr_vmscan_write", "nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written",
        "nr_throttled_written", "nr_kernel_misc_reclaimable", "nr_foll_pin_acquired", "nr_foll_pin_released", "nr_vmalloc",
        "nr_kernel_stack", "nr_page_table_pages", "nr_sec_page_table_pages", "nr_iommu_pages", "nr_swapcached",
        "pgpromote_success", "pgpromote_candidate", "pgpromote_candidate_nrl", "pgdemote_kswapd", "pgdemote_direct",
        "pgdemote_khugepaged", "pgdemote_proactive", "pgsteal_kswapd", "pgsteal_direct", "pgsteal_khugepaged",
        "pgsteal_proactive", "pgsteal_anon", "pgsteal_file", "pgscan_kswapd", "pgscan_direct", "pgscan_khugepaged",
        "pgscan_proactive", "pgscan_anon", "pgscan_file", "pgrotate_anon", "pgrotate_file", "pgrefill", "nr_hugetlb",
        "nr_balloon_pages", "nr_kernel_file_pages", "nr_gpu_active", "nr_gpu_reclaim",
    ];

    // The zone_stat_item names after nr_free_pages and nr_free_pages_blocks, then the NUMA events.
    private static readonly string[] ZoneStats =
    [
        "nr_zone_inactive_anon", "nr_zone_active_anon", "nr_zone_inactive_file", "nr_zone_active_file", "nr_zone_unevictable",
        "nr_zone_write_pending", "nr_mlock", "nr_zspages", "nr_free_cma", "nr_unaccepted", "numa_hit", "numa_miss",
        "numa_foreign", "numa_interleave", "numa_local", "numa_other",
    ];

    public static string Show(KernelModel kernel)
    {
        var sb = new StringBuilder();
        int cpus = kernel.PossibleNodes.Sum(n => n.Cpus.Count);
        foreach (var node in kernel.PossibleNodes.Where(n => kernel.NodeStates.Has(n.Id, NodeState.Online)))
        {
            var first = node.Zones.FirstOrDefault(z => z.Populated);
            var free = MemInfo.FreePages(kernel, node);
            foreach (var zone in node.Zones)
            {
                Zone(sb, node, zone, zone == first, free[(int)zone.Type], cpus);
            }

            // ZONE_DEVICE: never populated by the model (no device memory), and no watermark.
            sb.Append(Inv($"Node {node.Id}, zone {"Device",8}"));
            sb.Append(Inv($"\n  pages free     0\n        boost    0\n        min      0\n        low      0\n        high     0\n        promo    0"));
            sb.Append(Inv($"\n        spanned  0\n        present  0\n        managed  0\n        cma      0\n        protection: (0, 0, 0, 0, 0)\n"));
        }

        return sb.ToString();
    }

    // Models zoneinfo_show_print() for one zone.
    private static void Zone(StringBuilder sb, NumaNode node, Zone zone, bool firstPopulated, ulong free, int cpus)
    {
        sb.Append(Inv($"Node {node.Id}, zone {zone.Name,8}"));
        if (firstPopulated)
        {
            sb.Append("\n  per-node stats");
            foreach (var name in NodeStats)
            {
                sb.Append(Inv($"\n      {name,-12} 0"));
            }
        }

        sb.Append(Inv($"\n  pages free     {free}\n        boost    0\n        min      {zone.Min}\n        low      {zone.Low}"));
        sb.Append(Inv($"\n        high     {zone.High}\n        promo    {zone.Promo}\n        spanned  {zone.SpannedPages}"));
        sb.Append(Inv($"\n        present  {zone.PresentPages}\n        managed  {zone.ManagedPages}\n        cma      0"));
        sb.Append(Inv($"\n        protection: ({string.Join(", ", zone.LowmemReserve)})"));
        if (!zone.Populated)
        {
            sb.Append('\n');
            return;
        }

        sb.Append(Inv($"\n      {"nr_free_pages",-12} {free}\n      {"nr_free_pages_blocks",-12} {free}"));
        foreach (var name in ZoneStats)
        {
            sb.Append(Inv($"\n      {name,-12} 0"));
        }

        // zone_batchsize() and zone_highsize() (mm/page_alloc.c), and calculate_normal_threshold() (mm/vmstat.c).
        ulong batch = Math.Max(1, PowerOfTwoBelow(Math.Max(1, Math.Min(zone.ManagedPages >> 10, 256) / 4) * 3 / 2) - 1);
        ulong split = (ulong)(node.Cpus.Count > 0 ? node.Cpus.Count : cpus);
        ulong highMin = Math.Max(zone.Low / split, batch << 2), highMax = Math.Max(zone.ManagedPages / 8 / split, batch << 2);
        int threshold = Math.Min(125, 2 * Fls((ulong)cpus) * (1 + Fls(zone.ManagedPages >> 15)));
        sb.Append("\n  pagesets");
        foreach (var cpu in Enumerable.Range(0, cpus))
        {
            sb.Append(Inv($"\n    cpu: {cpu}\n              count:    0\n              high:     {highMin}\n              batch:    {batch}"));
            sb.Append(Inv($"\n              high_min: {highMin}\n              high_max: {highMax}\n  vm stats threshold: {threshold}"));
        }

        sb.Append(Inv($"\n  node_unreclaimable:  0\n  start_pfn:           {zone.StartPfn}\n  reserved_highatomic: 0\n  free_highatomic:     0\n"));
    }

    private static ulong PowerOfTwoBelow(ulong x) => x == 0 ? 0 : 1UL << (63 - System.Numerics.BitOperations.LeadingZeroCount(x));

    // fls(): the 1-based index of the highest set bit, 0 for 0.
    private static int Fls(ulong x) => 64 - System.Numerics.BitOperations.LeadingZeroCount(x);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
