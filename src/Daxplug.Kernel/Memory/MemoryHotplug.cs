namespace Daxplug.Kernel.Memory;

/// <summary>
/// mm/memory_hotplug.c and the memory-block half of drivers/base/memory.c: zone choice, onlining and offlining
/// of blocks, adding and removing memory. Split by concern: zones here, Online/Offline/Add in partials.
/// </summary>
public sealed partial class MemoryHotplug(KernelModel kernel)
{
    private readonly List<MemoryGroup> groups = [];
    private readonly Lock groupsGate = new();

    private HotplugParams Params => kernel.Params;

    /// <summary>The registered memory groups (a copy).</summary>
    public IReadOnlyList<MemoryGroup> Groups
    {
        get
        {
            lock (groupsGate)
            {
                return groups.ToArray();
            }
        }
    }

    // Models zone_for_pfn_range() (mm/memory_hotplug.c).
    public Zone ZoneForPfnRange(OnlineType onlineType, int nid, MemoryGroup? group, ulong pfn, ulong nrPages)
    {
        if (onlineType == OnlineType.OnlineKernel)
        {
            return DefaultKernelZoneForPfn(nid, pfn, nrPages);
        }

        if (onlineType == OnlineType.OnlineMovable)
        {
            return Node(nid)[ZoneType.Movable];
        }

        if (Params.OnlinePolicy == OnlinePolicy.AutoMovable)
        {
            return AutoMovableZoneForPfn(nid, group, pfn, nrPages);
        }

        return DefaultZoneForPfn(nid, pfn, nrPages);
    }

    // Models default_kernel_zone_for_pfn(): the first of DMA, DMA32 intersecting the range, else Normal.
    public Zone DefaultKernelZoneForPfn(int nid, ulong pfn, ulong nrPages)
    {
        var node = Node(nid);
        for (var type = ZoneType.DMA; type < ZoneType.Normal; type++)
        {
            if (node[type].Intersects(pfn, nrPages))
            {
                return node[type];
            }
        }

        return node[ZoneType.Normal];
    }

    // Models default_zone_for_pfn(): the zone whose span the range is in if only one is, else by movable_node.
    public Zone DefaultZoneForPfn(int nid, ulong pfn, ulong nrPages)
    {
        var kernelZone = DefaultKernelZoneForPfn(nid, pfn, nrPages);
        var movableZone = Node(nid)[ZoneType.Movable];
        bool inKernel = kernelZone.Intersects(pfn, nrPages);
        bool inMovable = movableZone.Intersects(pfn, nrPages);
        if (inKernel ^ inMovable)
        {
            return inKernel ? kernelZone : movableZone;
        }

        return Params.MovableNode ? movableZone : kernelZone;
    }

    // Models valid_zones_show() (drivers/base/memory.c): the zone of an online block ("none" if it spans zones
    // or nodes); for any other state the default zone for "online" followed by the other choices.
    public string ValidZones(MemoryBlock mem)
    {
        if (mem.State == MemoryBlockState.Online)
        {
            return (mem.Zone?.Name ?? "none") + "\n";
        }

        var defaultZone = ZoneForPfnRange(OnlineType.Online, mem.Nid, mem.Group, mem.StartPfn, mem.NrPages);
        var text = defaultZone.Name;
        foreach (var type in new[] { OnlineType.OnlineKernel, OnlineType.OnlineMovable })
        {
            var zone = ZoneForPfnRange(type, mem.Nid, mem.Group, mem.StartPfn, mem.NrPages);
            if (zone != defaultZone)
            {
                text += " " + zone.Name;
            }
        }

        return text + "\n";
    }

    private Numa.NumaNode Node(int nid) =>
        kernel.Node(nid) ?? throw new InvalidOperationException($"node {nid} is not possible");

    // Models remove_pfn_range_from_zone() + shrink_zone_span(): only a range at the zone's start or end moves
    // the bound, to the nearest block of the same zone and node that still has online sections, or to empty.
    private void RemovePfnRangeFromZone(Zone zone, ulong startPfn, ulong nrPages)
    {
        ulong endPfn = startPfn + nrPages;
        if (zone.StartPfn == startPfn)
        {
            var next = FindOnlineBlock(zone, kernel.BlockId(endPfn), kernel.BlockId(zone.EndPfn - 1), ascending: true);
            if (next is not null)
            {
                zone.SetSpan(Math.Max(next.StartPfn, zone.StartPfn), zone.EndPfn);
            }
            else
            {
                zone.SetSpan(0, 0);
            }
        }
        else if (zone.EndPfn == endPfn)
        {
            var prev = FindOnlineBlock(zone, kernel.BlockId(zone.StartPfn), kernel.BlockId(startPfn) - 1, ascending: false);
            if (prev is not null)
            {
                zone.SetSpan(zone.StartPfn, Math.Min(prev.EndPfn, zone.EndPfn));
            }
            else
            {
                zone.SetSpan(0, 0);
            }
        }
    }

    // Models find_smallest_section_pfn()/find_biggest_section_pfn(): the first block (in the given direction)
    // with online sections on the zone's node whose pages belong to the zone.
    private MemoryBlock? FindOnlineBlock(Zone zone, long firstId, long lastId, bool ascending)
    {
        foreach (var block in kernel.Blocks.Range(firstId, lastId, ascending))
        {
            if (block.SectionsOnline && block.Nid == zone.Nid && PageZone(block) == zone)
            {
                return block;
            }
        }

        return null;
    }

    // Models page_zone() of a block's first page: mem->zone, or for boot blocks spanning zones the boot zone.
    private Zone PageZone(MemoryBlock block) =>
        block.Zone ?? Node(block.Nid)[ZoneTypes.BootZoneOf(block.StartPfn)];
}
