namespace Daxplug.Kernel.Memory;

/// <summary>The auto-movable online policy (mm/memory_hotplug.c, "online_policy=auto-movable").</summary>
public sealed partial class MemoryHotplug
{
    // Models auto_movable_zone_for_pfn(): Movable if all of the group's remaining memory could currently be
    // onlined movable within auto_movable_ratio, globally and (if numa-aware) on the node; else the kernel zone.
    private Zone AutoMovableZoneForPfn(int nid, MemoryGroup? group, ulong pfn, ulong nrPages)
    {
        ulong onlinePages = 0, maxPages;
        if (Params.AutoMovableRatio == 0)
        {
            return DefaultKernelZoneForPfn(nid, pfn, nrPages);
        }

        if (group is { IsDynamic: false })
        {
            maxPages = group.Pages;
            onlinePages = group.PresentMovablePages;
            // If anything is !MOVABLE online the rest !MOVABLE.
            if (group.PresentKernelPages != 0)
            {
                return DefaultKernelZoneForPfn(nid, pfn, nrPages);
            }
        }
        else if (group is null || group.Pages == nrPages)
        {
            maxPages = nrPages;
        }
        else
        {
            maxPages = group.Pages;
            pfn = pfn / group.Pages * group.Pages;
            foreach (var block in kernel.Blocks.Range(kernel.BlockId(pfn), kernel.BlockId(pfn + group.Pages - 1)))
            {
                if (!block.SectionsOnline)
                {
                    continue;
                }

                if (block.Zone?.Type != ZoneType.Movable)
                {
                    return DefaultKernelZoneForPfn(nid, pfn, nrPages);
                }

                onlinePages += block.NrPages;
            }
        }

        // The kernel reuses nr_pages here, so the kernel-zone fallback below sees the remaining size too.
        nrPages = maxPages - onlinePages;
        if (!AutoMovableCanOnlineMovable(null, group, nrPages) ||
            (Params.AutoMovableNumaAware && !AutoMovableCanOnlineMovable(nid, group, nrPages)))
        {
            return DefaultKernelZoneForPfn(nid, pfn, nrPages);
        }

        return Node(nid)[ZoneType.Movable];
    }

    // Models auto_movable_can_online_movable(): would movable + nr stay within ratio * early kernel / 100, after
    // discounting what other dynamic groups need for their own movable memory? nid null = NUMA_NO_NODE.
    private bool AutoMovableCanOnlineMovable(int? nid, MemoryGroup? group, ulong nrPages)
    {
        ulong kernelEarly = 0, movable = 0;
        var nodes = nid is { } id ? [Node(id)] : kernel.PossibleNodes;
        foreach (var zone in nodes.SelectMany(n => n.Zones).Where(z => z.Populated))
        {
            // Models auto_movable_stats_account_zone(); no CMA in the model.
            if (zone.Type == ZoneType.Movable)
            {
                movable += zone.PresentPages;
            }
            else
            {
                kernelEarly += zone.PresentEarlyPages;
            }
        }

        // Models walk_dynamic_memory_groups() with auto_movable_stats_account_group().
        ulong reqKernelEarly = 0, groupMovable = 0;
        foreach (var other in Groups)
        {
            if (!other.IsDynamic || other == group || (nid is { } n && other.Nid != n))
            {
                continue;
            }

            long pages = (long)(other.PresentMovablePages * 100 / Params.AutoMovableRatio) - (long)other.PresentKernelPages;
            if (pages > 0)
            {
                reqKernelEarly += (ulong)pages;
            }

            groupMovable += other.PresentMovablePages;
        }

        if (kernelEarly < reqKernelEarly)
        {
            return false;
        }

        kernelEarly -= reqKernelEarly;
        movable -= groupMovable;
        if (group is { IsDynamic: true })
        {
            kernelEarly += group.PresentKernelPages;
        }

        movable += nrPages;
        return movable <= Params.AutoMovableRatio * kernelEarly / 100;
    }
}
