using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Memory;

/// <summary>Onlining and offlining one memory block (drivers/base/memory.c, drivers/base/core.c).</summary>
public sealed partial class MemoryHotplug
{
    /// <summary>device_online()/device_offline() return this when the device already is in the target state.</summary>
    public const int AlreadyInState = 1;

    // Models state_store() (drivers/base/memory.c): parse before any lock; "already in that state" is EINVAL.
    public async ValueTask<Errno> StateStore(MemoryBlock mem, string buf)
    {
        var onlineType = OnlineTypes.FromStr(buf);
        if (onlineType is null)
        {
            return Errno.EINVAL;
        }

        int ret;
        await using (await kernel.DeviceHotplugLock.Hold())
        {
            // A store that waited for the lock while the block was being removed finds its kernfs node
            // deactivated: kernfs_fop_write_iter() answers -ENODEV (lock_device_hotplug_sysfs() restarts the
            // syscall rather than deadlock with the removal).
            if (mem.Removed)
            {
                return Errno.ENODEV;
            }

            if (onlineType == OnlineType.Offline)
            {
                ret = await DeviceOffline(mem);
            }
            else
            {
                // mem->online_type is protected by device_hotplug_lock.
                mem.OnlineType = onlineType.Value;
                ret = await DeviceOnline(mem);
            }
        }

        return ret < 0 ? (Errno)(-ret) : ret > 0 ? Errno.EINVAL : Errno.None;
    }

    // Models online_store() (drivers/base/core.c): kstrtobool; a same-state write succeeds.
    public async ValueTask<Errno> OnlineStore(MemoryBlock mem, string buf)
    {
        var rc = SysfsText.KstrToBool(buf, out var value);
        if (rc != Errno.None)
        {
            return rc;
        }

        int ret;
        await using (await kernel.DeviceHotplugLock.Hold())
        {
            if (mem.Removed)
            {
                return Errno.ENODEV;
            }

            ret = value ? await DeviceOnline(mem) : await DeviceOffline(mem);
        }

        return ret < 0 ? (Errno)(-ret) : Errno.None;
    }

    // Models device_online() (drivers/base/core.c) for a memory block; caller holds device_hotplug_lock.
    // Returns 0, AlreadyInState, or -errno.
    public async ValueTask<int> DeviceOnline(MemoryBlock mem)
    {
        if (!mem.DeviceOffline)
        {
            return AlreadyInState;
        }

        int ret = await MemorySubsysOnline(mem);
        if (ret == 0)
        {
            kernel.Uevents.Emit("online", DevPath(mem), "memory");
            mem.DeviceOffline = false;
        }

        return ret;
    }

    // Models device_offline() (drivers/base/core.c) for a memory block; caller holds device_hotplug_lock.
    public async ValueTask<int> DeviceOffline(MemoryBlock mem)
    {
        if (mem.DeviceOffline)
        {
            return AlreadyInState;
        }

        int ret = await MemorySubsysOffline(mem);
        if (ret == 0)
        {
            kernel.Uevents.Emit("offline", DevPath(mem), "memory");
            mem.DeviceOffline = true;
        }

        return ret;
    }

    /// <summary>The block's DEVPATH (/devices/system/memory/memoryN).</summary>
    public static string DevPath(MemoryBlock mem) => $"/devices/system/memory/memory{mem.Id}";

    // Models memory_subsys_online(): without a requested type, device_online() means MMOP_ONLINE.
    private async ValueTask<int> MemorySubsysOnline(MemoryBlock mem)
    {
        if (mem.State == MemoryBlockState.Online)
        {
            return 0;
        }

        if (mem.OnlineType == OnlineType.Offline)
        {
            mem.OnlineType = OnlineType.Online;
        }

        int ret = await MemoryBlockChangeState(mem, MemoryBlockState.Online, MemoryBlockState.Offline);
        mem.OnlineType = OnlineType.Offline;
        return ret;
    }

    // Models memory_subsys_offline().
    private async ValueTask<int> MemorySubsysOffline(MemoryBlock mem) =>
        mem.State == MemoryBlockState.Offline ? 0 : await MemoryBlockChangeState(mem, MemoryBlockState.Offline, MemoryBlockState.Online);

    // Models memory_block_change_state(): "going-offline" while offlining; on failure the old state returns.
    private async ValueTask<int> MemoryBlockChangeState(MemoryBlock mem, MemoryBlockState to, MemoryBlockState fromRequired)
    {
        if (mem.State != fromRequired)
        {
            return -(int)Errno.EINVAL;
        }

        if (to == MemoryBlockState.Offline)
        {
            mem.State = MemoryBlockState.GoingOffline;
        }

        var rc = to == MemoryBlockState.Online ? await MemoryBlockOnline(mem) : await MemoryBlockOffline(mem);
        mem.State = rc != Errno.None ? fromRequired : to;
        if (rc == Errno.None)
        {
            // A dumped block's text described it as it was; from now on the model's own answers hold.
            mem.Dumped = null;
        }

        return -(int)rc;
    }

    // Models memory_block_online(): pick the zone for mem->online_type, then online_pages() under
    // mem_hotplug_lock; mem->zone is set only on success.
    private async ValueTask<Errno> MemoryBlockOnline(MemoryBlock mem)
    {
        // memory_block_online() refuses a block with poisoned pages (from 6.2, "mm: memory-failure: count
        // hwpoisoned pages per memory block"), or one the fault injection marks.
        if (mem.Faults.HwPoison || (kernel.Release.AtLeast(6, 2) && mem.PoisonedPfns.Count > 0))
        {
            return Errno.EHWPOISON;
        }

        var zone = ZoneForPfnRange(mem.OnlineType, mem.Nid, mem.Group, mem.StartPfn, mem.NrPages);
        await using var _ = await kernel.MemHotplugLock.Hold();
        bool firstMemory = !kernel.NodeStates.Has(mem.Nid, NodeState.Memory);
        var rc = await OnlinePages(mem, zone);
        if (rc == Errno.None)
        {
            mem.Zone = zone;
            // kswapd_run() and kcompactd_run() in online_pages(): a node's first memory starts its kthreads, whose
            // task structs and stacks are allocated on the node (from 6.18), so in this block when it is a kernel
            // zone; they live until the node has no memory, so the block cannot go offline (EBUSY; the 7.3 oracle,
            // 11-13, and 19-selftest on 6.18 to 7.3; 6.12 offlines it).
            if (firstMemory && !mem.Early && ZoneTypes.IsKernel(zone.Type) && kernel.Release.KthreadsOnNode)
            {
                mem.Faults.Unmovable = true;
            }


            // The kernel places unmovable allocations (slab, page tables) in kernel zones, so a hot-added block
            // onlined there may refuse to go offline again (the 6.18 oracle saw it in 2 of 3 boots).
            if (Params.KernelZonePinning && !mem.Early && ZoneTypes.IsKernel(zone.Type))
            {
                mem.Faults.Unmovable = true;
            }
        }

        return rc;
    }

    // Models memory_block_offline(): a block without a single zone (spanning zones or nodes) cannot go.
    private async ValueTask<Errno> MemoryBlockOffline(MemoryBlock mem)
    {
        if (mem.Zone is null)
        {
            return Errno.EINVAL;
        }

        await using var _ = await kernel.MemHotplugLock.Hold();
        var rc = await OfflinePages(mem, mem.Zone);
        if (rc == Errno.None)
        {
            mem.Zone = null;
        }

        return rc;
    }
}
