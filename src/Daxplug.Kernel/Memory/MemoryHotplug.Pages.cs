using Daxplug.Kernel.Log;
using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Memory;

/// <summary>online_pages() and offline_pages() with their accounting and notifier calls (mm/memory_hotplug.c).</summary>
public sealed partial class MemoryHotplug
{
    // Models online_pages(): move the range into the zone, ask the notifiers, account, set node states, tell
    // the notifiers (memory tiers). A veto undoes the zone move.
    private async ValueTask<Errno> OnlinePages(MemoryBlock mem, Zone zone)
    {
        ulong pfn = mem.StartPfn, nrPages = mem.NrPages;
        zone.Grow(pfn, nrPages);
        var arg = NodeStatesCheckChangesOnline(zone);
        var rc = await MemoryNotify(MemoryAction.GoingOnline, mem, arg);
        if (rc != Errno.None)
        {
            kernel.Log.Print(LogLevel.Debug, $"online_pages [mem {Range(pfn, nrPages)}] failed");
            await MemoryNotify(MemoryAction.CancelOnline, mem, arg);
            RemovePfnRangeFromZone(zone, pfn, nrPages);
            return rc;
        }

        await kernel.Scheduler.Point("online_pages");
        mem.SectionsOnline = true;
        // generic_online_page() frees every page to the buddy (adjust_managed_page_count()); memory_block_online()
        // counts the block's own memmap as present only.
        zone.ManagedPages += nrPages - mem.AltmapPages;
        AdjustPresentPageCount(mem, zone, (long)nrPages);
        if (arg.StatusChangeNidNormal >= 0)
        {
            kernel.NodeStates.Set(zone.Nid, NodeState.NormalMemory);
        }

        if (arg.StatusChangeNid >= 0)
        {
            kernel.NodeStates.Set(zone.Nid, NodeState.Memory);
        }

        kernel.Watermarks.InitPerZoneWmarkMin();
        await MemoryNotify(MemoryAction.Online, mem, arg);
        return Errno.None;
    }

    // Models offline_pages(): holes and multi-zone ranges are EINVAL, unmovable pages fail isolation (EBUSY),
    // a notifier may veto, a signal ends the migrate loop (EINTR); success unaccounts and shrinks the zone.
    private async ValueTask<Errno> OfflinePages(MemoryBlock mem, Zone zone)
    {
        ulong pfn = mem.StartPfn, nrPages = mem.NrPages;
        string? reason = null;
        var rc = Errno.None;
        var arg = default(MemoryNotifyArg);
        if (mem.HasHoles)
        {
            (rc, reason) = (Errno.EINVAL, "memory holes");
        }
        else if (mem.SpansNodes || PageZone(mem) != zone)
        {
            (rc, reason) = (Errno.EINVAL, "multizone range");
        }
        else if (mem.Faults.Unmovable)
        {
            // has_unmovable_pages() with REPORT_FAILURE dumps the page before start_isolate_page_range() fails.
            kernel.Log.Warn($"page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:{KernelFormat.HexPrefixed(pfn)}");
            kernel.Log.Warn("page dumped because: unmovable page");
            (rc, reason) = (Errno.EBUSY, "failure to isolate range");
        }
        else
        {
            arg = NodeStatesCheckChangesOffline(nrPages, zone);
            rc = await MemoryNotify(MemoryAction.GoingOffline, mem, arg);
            reason = "notifier failure";
            for (int step = 0; rc == Errno.None && step <= mem.Faults.SlowOfflineSteps; step++)
            {
                await kernel.Scheduler.Point("offline_pages: migrate");
                if (mem.Faults.SignalPending)
                {
                    (rc, reason) = (Errno.EINTR, "signal backoff");
                }
            }

            if (rc != Errno.None)
            {
                await MemoryNotify(MemoryAction.CancelOffline, mem, arg);
            }
        }

        if (rc != Errno.None)
        {
            kernel.Log.Print(LogLevel.Debug, $"memory offlining [mem {Range(pfn, nrPages)}] failed due to {reason}");
            return rc;
        }

        mem.SectionsOnline = false;
        // __offline_isolated_pages() takes every page but the memmap out of the buddy, poisoned ones included.
        zone.ManagedPages -= nrPages - mem.AltmapPages;
        AdjustPresentPageCount(mem, zone, -(long)nrPages);
        if (arg.StatusChangeNidNormal >= 0)
        {
            kernel.NodeStates.Clear(zone.Nid, NodeState.NormalMemory);
        }

        if (arg.StatusChangeNid >= 0)
        {
            kernel.NodeStates.Clear(zone.Nid, NodeState.Memory);
        }

        kernel.Watermarks.InitPerZoneWmarkMin();
        await MemoryNotify(MemoryAction.Offline, mem, arg);
        RemovePfnRangeFromZone(zone, pfn, nrPages);
        return Errno.None;
    }

    // Models adjust_present_page_count(): zone, node (derived) and group counters; early sections also count
    // as early pages.
    private static void AdjustPresentPageCount(MemoryBlock mem, Zone zone, long nrPages)
    {
        zone.PresentPages = (ulong)((long)zone.PresentPages + nrPages);
        if (mem.Early)
        {
            zone.PresentEarlyPages = (ulong)((long)zone.PresentEarlyPages + nrPages);
        }

        if (mem.Group is { } group)
        {
            if (zone.Type == ZoneType.Movable)
            {
                group.PresentMovablePages = (ulong)((long)group.PresentMovablePages + nrPages);
            }
            else
            {
                group.PresentKernelPages = (ulong)((long)group.PresentKernelPages + nrPages);
            }
        }
    }

    // Models node_states_check_changes_online().
    private MemoryNotifyArg NodeStatesCheckChangesOnline(Zone zone)
    {
        var arg = new MemoryNotifyArg(-1, -1);
        if (!kernel.NodeStates.Has(zone.Nid, NodeState.Memory))
        {
            arg.StatusChangeNid = zone.Nid;
        }

        // 6.17 and 6.18 leave N_NORMAL_MEMORY alone; 7.0's online_pages() sets it again for a kernel zone.
        if (ZoneTypes.IsKernel(zone.Type) && !kernel.NodeStates.Has(zone.Nid, NodeState.NormalMemory) && kernel.Release.TracksNormalMemory)
        {
            arg.StatusChangeNidNormal = zone.Nid;
        }

        return arg;
    }

    // Models node_states_check_changes_offline(): will this offline take the node's last kernel / any memory?
    private MemoryNotifyArg NodeStatesCheckChangesOffline(ulong nrPages, Zone zone)
    {
        var arg = new MemoryNotifyArg(-1, -1);
        var node = Node(zone.Nid);
        ulong present = node.PresentKernelPages;
        if (ZoneTypes.IsKernel(zone.Type) && nrPages >= present && kernel.Release.TracksNormalMemory)
        {
            arg.StatusChangeNidNormal = zone.Nid;
        }

        present += node[ZoneType.Movable].PresentPages;
        if (nrPages >= present)
        {
            arg.StatusChangeNid = zone.Nid;
        }

        return arg;
    }

    // Models establish_demotion_targets() as far as it shows: from 6.10 ("mm/memory-tiers: print demotion
    // targets") dump_demotion_targets() logs, for every node with memory and a tier, the nodes of the next lower
    // tier at the smallest distance (find_next_best_node() without its load balancing) and every lower tier's
    // nodes as the fallback.
    private void EstablishDemotionTargets()
    {
        if (!kernel.Release.AtLeast(6, 10))
        {
            return;
        }

        var tiers = kernel.Tiers.Tiers;
        var withMemory = kernel.PossibleNodes.Where(n => kernel.NodeStates.Has(n.Id, NodeState.Memory)).Select(n => n.Id).ToList();
        foreach (int nid in withMemory)
        {
            var tier = kernel.Tiers.NodeTier(nid);
            if (tier is null)
            {
                continue;
            }

            int at = tiers.ToList().IndexOf(tier);
            var lower = tiers.Skip(at + 1).SelectMany(t => t.Nodes).Where(withMemory.Contains).Distinct().Order().ToList();
            var next = at + 1 < tiers.Count ? tiers[at + 1].Nodes.Where(withMemory.Contains).ToList() : [];
            var preferred = new List<int>();
            if (next.Count > 0)
            {
                int best = next.Min(n => kernel.Distance(nid, n));
                preferred = next.Where(n => kernel.Distance(nid, n) == best).Order().ToList();
            }

            kernel.Log.Info(preferred.Count == 0
                ? $"Demotion targets for Node {nid}: null"
                : $"Demotion targets for Node {nid}: preferred: {KernelFormat.BitmapList(preferred)}, fallback: {KernelFormat.BitmapList(lower)}");
        }
    }

    // Models memory_notify() with the two memory notifiers the model has: notifier-error-inject (global, plus
    // daxplug's per-block faults) and the memory-tier callback memtier_hotplug_callback().
    private async ValueTask<Errno> MemoryNotify(MemoryAction action, MemoryBlock mem, MemoryNotifyArg arg)
    {
        switch (action)
        {
            case MemoryAction.GoingOnline or MemoryAction.GoingOffline:
                bool online = action == MemoryAction.GoingOnline;
                int err = online ? kernel.NotifierInject.GoingOnline : kernel.NotifierInject.GoingOffline;
                if (err != 0)
                {
                    kernel.Log.Info($"Injecting error ({err}) to {(online ? "MEM_GOING_ONLINE" : "MEM_GOING_OFFLINE")}");
                    return (Errno)(-err);
                }

                err = online ? mem.Faults.GoingOnlineError : mem.Faults.GoingOfflineError;
                return (Errno)(-NotifierErrorInject.Clamp(err));
            case MemoryAction.Online when arg.StatusChangeNid >= 0:
                await using (await kernel.Tiers.Lock.Hold())
                {
                    if (kernel.NodeStates.Has(arg.StatusChangeNid, NodeState.Memory))
                    {
                        kernel.Tiers.SetNodeMemoryTier(arg.StatusChangeNid);
                        EstablishDemotionTargets();
                    }
                }

                break;
            case MemoryAction.Offline when arg.StatusChangeNid >= 0:
                await using (await kernel.Tiers.Lock.Hold())
                {
                    if (kernel.Tiers.ClearNodeMemoryTier(arg.StatusChangeNid))
                    {
                        EstablishDemotionTargets();
                    }
                }

                break;
        }

        return Errno.None;
    }

    /// <summary>"%#010llx-%#010llx" of a pfn range, as the kernel's offlining messages print it.</summary>
    private static string Range(ulong pfn, ulong nrPages) =>
        $"0x{KernelFormat.Hex(pfn * KernelModel.PageSize, 8)}-0x{KernelFormat.Hex(((pfn + nrPages) * KernelModel.PageSize) - 1, 8)}";

    private enum MemoryAction
    {
        GoingOnline,
        CancelOnline,
        Online,
        GoingOffline,
        CancelOffline,
        Offline,
    }

    private record struct MemoryNotifyArg(int StatusChangeNid, int StatusChangeNidNormal);
}
