using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Numa;

namespace Daxplug.Kernel.Machines;

/// <summary>Boot memory: zones, early allocations, memory blocks and node states.</summary>
public static partial class MachineBuilder
{
    // Models zone_spanned_pages_in_node()/zone_absent_pages_in_node() (mm/mm_init.c): the node's span clamped to
    // each zone's limits, and the RAM inside; or the exact zones the machine file gives.
    private static void BootZones(NumaNode node, NodeSpec spec, List<(ulong Start, ulong End)> ram)
    {
        if (spec.Zones is not null)
        {
            foreach (var z in spec.Zones)
            {
                var type = Enum.TryParse<ZoneType>(z.Zone, out var t) ? t : throw new FormatException($"bad zone '{z.Zone}'");
                var zone = node[type];
                zone.SetSpan(z.StartPfn, z.StartPfn + z.SpannedPages);
                zone.PresentPages = zone.PresentEarlyPages = z.PresentPages;
                zone.ManagedPages = z.ManagedPages ?? BootManaged(z.PresentPages);
            }

            return;
        }

        if (ram.Count == 0)
        {
            return;
        }

        ulong nodeStart = ram[0].Start, nodeEnd = ram.Max(r => r.End);
        foreach (var type in new[] { ZoneType.DMA, ZoneType.DMA32, ZoneType.Normal })
        {
            var (lo, hi) = ZoneTypes.Limits(type);
            ulong start = Math.Max(lo, nodeStart), end = Math.Min(hi, nodeEnd);
            if (end > start)
            {
                node[type].SetSpan(start, end);
                node[type].PresentPages = node[type].PresentEarlyPages = Overlap(ram, start, end);
                node[type].ManagedPages = BootManaged(node[type].PresentPages);
            }
        }
    }

    // memblock allocates top-down (memblock_find_in_range_node()): each node's memmap (sparse_init_nid(), 64 bytes
    // per page) and the early allocations made for it (page tables, per-CPU areas, pgdat) sit at the top of its
    // memory, so those blocks hold unmovable pages and refuse to go offline (the last block of node0 on every
    // oracle kernel). With movable_node memblock allocates bottom-up, near the kernel image, instead.
    private static IEnumerable<(ulong Start, ulong End)> EarlyAllocations(Dictionary<int, List<(ulong Start, ulong End)>> ram)
    {
        const ulong earlyPages = 16 << 20 >> 12;
        foreach (var ranges in ram.Values.Where(r => r.Count > 0))
        {
            ulong present = ranges.Aggregate(0UL, (s, r) => s + r.End - r.Start), end = ranges.Max(r => r.End);
            ulong pages = Math.Min(present * 64 / KernelModel.PageSize + earlyPages, end);
            yield return ((end - pages) * KernelModel.PageSize, end * KernelModel.PageSize - 1);
        }
    }

    // What memblock_free_all() hands to the buddy at boot, when the machine does not say: the present pages less
    // their memmap (64 bytes of struct page per page, allocated from memblock). The kernel also reserves its image,
    // firmware tables and early allocations; a machine that needs exact figures gives them (as host does).
    private static ulong BootManaged(ulong present) => present - present * 64 / KernelModel.PageSize;

    // Models memory_dev_init()/add_boot_memory_block(): a block for every block-sized window with RAM; its zone is
    // the single populated zone it intersects (early_node_zone_for_memory_block()), else none.
    private static void BootBlocks(KernelModel kernel, Dictionary<int, List<(ulong Start, ulong End)>> ram)
    {
        ulong ppb = kernel.PagesPerBlock;
        var owners = new Dictionary<long, (int Nid, bool SpansNodes)>();
        foreach (var (nid, ranges) in ram)
        {
            foreach (var (start, end) in ranges)
            {
                for (long id = (long)(start / ppb); id <= (long)((end - 1) / ppb); id++)
                {
                    owners[id] = owners.TryGetValue(id, out var o) ? (o.Nid, o.SpansNodes || o.Nid != nid) : (nid, false);
                }
            }
        }

        var ids = owners.Keys.ToArray();
        Array.Sort(ids);
        foreach (var id in ids)
        {
            var (nid, spansNodes) = owners[id];
            ulong pfn = (ulong)id * ppb;
            var node = kernel.Node(nid)!;
            Zone? single = null;
            int zones = 0;
            foreach (var zone in node.Zones)
            {
                if (zone.Populated && zone.Intersects(pfn, ppb))
                {
                    single = zone;
                    zones++;
                }
            }

            ulong present = spansNodes ? ram.Values.Aggregate(0UL, (s, r) => s + Overlap(r, pfn, pfn + ppb)) : Overlap(ram[nid], pfn, pfn + ppb);
            var mem = new MemoryBlock(id, pfn, ppb, nid, group: null, early: true)
            {
                PresentPages = present,
                SpansNodes = spansNodes,
                State = MemoryBlockState.Online,
                Zone = !spansNodes && zones == 1 ? single : null,
                SectionsOnline = true,
            };
            kernel.Hotplug.RegisterBlock(mem);
        }
    }

    // A dumped machine's blocks: the offline ones were never onlined (the dump's zones count only online blocks), and
    // each keeps the dump's text of its read-only files.
    private static void DumpedBlocks(KernelModel kernel, MachineSpec spec)
    {
        foreach (var b in spec.Blocks ?? [])
        {
            var mem = kernel.Blocks.Find(b.Id) ?? throw new FormatException($"block {b.Id} has no memory in any node");
            mem.Dumped = b;
            // Before 5.x removable was 0 for a block with unmovable pages (is_mem_section_removable()).
            mem.Faults.Unmovable |= b.Removable == "0";
            if (b.State == "offline")
            {
                (mem.State, mem.DeviceOffline, mem.Zone, mem.SectionsOnline) = (MemoryBlockState.Offline, true, null, false);
            }
            else if (b.State != "online")
            {
                throw new FormatException($"block {b.Id}: state is online or offline, not '{b.State}'");
            }
        }
    }

    private static void BootNodeStates(KernelModel kernel, Dictionary<int, List<(ulong Start, ulong End)>> ram)
    {
        foreach (var node in kernel.PossibleNodes)
        {
            if (node.PresentPages > 0)
            {
                kernel.NodeStates.Set(node.Id, NodeState.Memory);
            }

            if (node.PresentKernelPages > 0)
            {
                kernel.NodeStates.Set(node.Id, NodeState.NormalMemory);
            }

            if (node.Cpus.Count > 0)
            {
                kernel.NodeStates.Set(node.Id, NodeState.Cpu);
            }

            if (node.PresentPages > 0 || node.Cpus.Count > 0 || ram[node.Id].Count > 0)
            {
                kernel.Hotplug.RegisterNode(node);
            }
        }
    }
}
