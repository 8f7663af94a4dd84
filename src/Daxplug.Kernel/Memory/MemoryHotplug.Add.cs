using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Resource;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Memory;

/// <summary>MHP_* flags of add_memory*() (include/linux/memory_hotplug.h).</summary>
[Flags]
public enum MhpFlags
{
    None = 0,
    MergeResource = 1,
    MemmapOnMemory = 2,
    NidIsMgid = 4,
}

/// <summary>Hot-add and hot-remove of memory ranges (mm/memory_hotplug.c).</summary>
public sealed partial class MemoryHotplug
{
    private readonly Dictionary<int, long> blocksPerNode = [];
    private readonly Lock blocksPerNodeGate = new();
    private readonly Dictionary<int, int> blocksPerGroup = [];

    // Models add_memory_driver_managed(); onlineType is the series' explicit type (patch 5,
    // __add_memory_driver_managed), null meaning mhp_get_default_online_type() as before 7.3.
    public async ValueTask<Errno> AddMemoryDriverManaged(int nidOrMgid, ulong start, ulong size, string resourceName, MhpFlags flags,
        OnlineType? onlineType = null)
    {
        if (!resourceName.StartsWith("System RAM (", StringComparison.Ordinal) || !resourceName.EndsWith(')'))
        {
            return Errno.EINVAL;
        }

        await using var _ = await kernel.DeviceHotplugLock.Hold();
        return await AddMemoryDriverManagedLocked(nidOrMgid, start, size, resourceName, flags, onlineType);
    }

    /// <summary>add_memory_driver_managed() for a caller that already holds device_hotplug_lock.</summary>
    internal async ValueTask<Errno> AddMemoryDriverManagedLocked(int nidOrMgid, ulong start, ulong size, string resourceName, MhpFlags flags,
        OnlineType? onlineType)
    {
        // Models register_memory_resource(): a conflict is EEXIST.
        var res = kernel.Iomem.RequestRegion(start, size, resourceName, ResourceFlags.SystemRam | ResourceFlags.DriverManaged);
        if (res is null)
        {
            return Errno.EEXIST;
        }

        var rc = await AddMemoryResource(nidOrMgid, res, flags, onlineType ?? Params.AutoOnlineBlocks);
        if (rc != Errno.None)
        {
            kernel.Iomem.Release(res);
        }

        return rc;
    }

    // Models add_memory_resource(): checks, node onlining, offline block devices linked to the node, then
    // onlining in ascending order unless the type is offline (stopping silently at the first failure).
    private async ValueTask<Errno> AddMemoryResource(int nid, IoResource res, MhpFlags flags, OnlineType onlineType)
    {
        ulong start = res.Start, size = res.Size;
        var rc = CheckHotplugMemoryRange(start, size);
        if (rc != Errno.None)
        {
            return rc;
        }

        MemoryGroup? group = null;
        if ((flags & MhpFlags.NidIsMgid) != 0)
        {
            group = Groups.FirstOrDefault(g => g.Id == nid);
            if (group is null)
            {
                return Errno.EINVAL;
            }

            nid = group.Nid;
        }

        var node = kernel.Node(nid);
        if (node is null)
        {
            kernel.Log.Warn($"node {nid} was absent from the node_possible_map");
            return Errno.EINVAL;
        }

        // Models the "self hosted memmap array" of add_memory_resource(): with MHP_MEMMAP_ON_MEMORY each block gets
        // an altmap (create_altmaps_and_memory_blocks()) that puts its memmap at its own start.
        ulong altmap = (flags & MhpFlags.MemmapOnMemory) != 0 && SupportsMemmapOnMemory ? MemmapOnMemoryPages : 0;
        var created = new List<MemoryBlock>();
        await using (await kernel.MemHotplugLock.Hold())
        {
            bool newNode = !kernel.NodeStates.Has(nid, NodeState.Online);
            for (ulong pfn = start / KernelModel.PageSize; pfn < (start + size) / KernelModel.PageSize; pfn += kernel.PagesPerBlock)
            {
                var mem = new MemoryBlock(kernel.BlockId(pfn), pfn, kernel.PagesPerBlock, nid, group, early: false)
                {
                    State = MemoryBlockState.Offline,
                    DeviceOffline = true,
                    AltmapPages = altmap,
                };
                RegisterBlock(mem);
                created.Add(mem);
            }

            if (newNode)
            {
                RegisterNode(node);
            }
        }

        if (onlineType != OnlineType.Offline)
        {
            foreach (var mem in created)
            {
                await kernel.Scheduler.Point("online_memory_block");
                // Models online_memory_block(): the walk stops at the first error, which is ignored.
                mem.OnlineType = onlineType;
                if (await DeviceOnline(mem) < 0)
                {
                    break;
                }
            }
        }

        return Errno.None;
    }

    // Models memory_block_memmap_on_memory_pages(): the struct pages (64 bytes each) of one block, rounded up to
    // a pageblock (2 MiB) in "force" mode.
    private ulong MemmapOnMemoryPages
    {
        get
        {
            ulong pages = (kernel.PagesPerBlock * StructPageSize + KernelModel.PageSize - 1) / KernelModel.PageSize;
            return Params.MemmapOnMemory == "force" ? (pages + PageblockPages - 1) / PageblockPages * PageblockPages : pages;
        }
    }

    /// <summary>
    /// mhp_supports_memmap_on_memory(): the parameter is on, the memmap fills whole pageblocks (or is padded to them
    /// in "force" mode), leaves the block some memory, and is PMD-aligned (arch_supports_memmap_on_memory()).
    /// </summary>
    public bool SupportsMemmapOnMemory
    {
        get
        {
            ulong size = kernel.PagesPerBlock * StructPageSize, pages = MemmapOnMemoryPages;
            return Params.MemmapOnMemory != "N" && size % KernelModel.PageSize == 0 && pages % PageblockPages == 0
                && pages != kernel.PagesPerBlock && size % PmdSize == 0;
        }
    }

    private const ulong StructPageSize = 64, PageblockPages = 512, PmdSize = 0x200000;

    // Models remove_memory(): EBUSY (and a warning) if any block of the range is not offline.
    public async ValueTask<Errno> RemoveMemory(ulong start, ulong size)
    {
        await using var _ = await kernel.DeviceHotplugLock.Hold();
        return await TryRemoveMemory(start, size);
    }

    // Models offline_and_remove_memory(): offline every block remembering its zone (movable or kernel), remove;
    // on any failure re-online what was offlined into the sensed zone.
    public async ValueTask<Errno> OfflineAndRemoveMemory(ulong start, ulong size)
    {
        if (start % kernel.BlockSizeBytes != 0 || size % kernel.BlockSizeBytes != 0 || size == 0)
        {
            return Errno.EINVAL;
        }

        await using var _ = await kernel.DeviceHotplugLock.Hold();
        var undo = new List<(MemoryBlock Block, OnlineType Type)>();
        var rc = await OfflineBlocksLocked(BlocksOf(start, size), undo);
        if (rc == Errno.None)
        {
            rc = await TryRemoveMemory(start, size);
            if (rc != Errno.None)
            {
                kernel.Log.Err($"offline_and_remove_memory: Failed to remove memory: {-(int)rc}");
            }
        }

        if (rc != Errno.None)
        {
            await ReonlineLocked(undo);
        }

        return rc;
    }

    // Models offline_and_remove_memory_ranges() of the series (v4+): under one device_hotplug_lock, offline every
    // block of every range (remembering its sensed zone); on any failure re-online everything offlined and
    // return the errno; only then remove each range.
    public async ValueTask<Errno> OfflineAndRemoveMemoryRanges(IReadOnlyList<(ulong Start, ulong Size)> ranges)
    {
        await using var _ = await kernel.DeviceHotplugLock.Hold();
        return await OfflineAndRemoveMemoryRangesLocked(ranges);
    }

    internal async ValueTask<Errno> OfflineAndRemoveMemoryRangesLocked(IReadOnlyList<(ulong Start, ulong Size)> ranges)
    {
        var undo = new List<(MemoryBlock Block, OnlineType Type)>();
        var rc = await OfflineBlocksLocked(ranges.SelectMany(r => BlocksOf(r.Start, r.Size)), undo);
        if (rc != Errno.None)
        {
            await ReonlineLocked(undo);
            return rc;
        }

        foreach (var (start, size) in ranges)
        {
            await kernel.Scheduler.Point("offline_and_remove_memory_ranges: remove");
            if (await TryRemoveMemory(start, size) != Errno.None)
            {
                kernel.Log.Warn("WARNING: offline_and_remove_memory_ranges: try_remove_memory failed");
            }
        }

        return Errno.None;
    }

    // Models the offline phase of offline_and_remove_memory(): device_offline() of each block in order, noting
    // each one's sensed online type for the undo list; stops at the first error.
    internal async ValueTask<Errno> OfflineBlocksLocked(IEnumerable<MemoryBlock> blocks, List<(MemoryBlock Block, OnlineType Type)> undo)
    {
        foreach (var mem in blocks)
        {
            await kernel.Scheduler.Point("try_offline_memory_block");
            var type = mem.SectionsOnline && PageZone(mem).Type == ZoneType.Movable ? OnlineType.OnlineMovable : OnlineType.OnlineKernel;
            int ret = await DeviceOffline(mem);
            if (ret == 0)
            {
                undo.Add((mem, type));
            }
            else if (ret < 0)
            {
                return (Errno)(-ret);
            }
        }

        return Errno.None;
    }

    // Models try_reonline_memory_block() over an undo list.
    internal async ValueTask ReonlineLocked(List<(MemoryBlock Block, OnlineType Type)> undo)
    {
        foreach (var (mem, type) in undo)
        {
            mem.OnlineType = type;
            int ret = await DeviceOnline(mem);
            if (ret < 0)
            {
                kernel.Log.Warn($"try_reonline_memory_block: Failed to re-online memory: {ret}");
            }
        }
    }

    /// <summary>remove_memory() for a caller that already holds device_hotplug_lock.</summary>
    internal async ValueTask<Errno> RemoveMemoryLocked(ulong start, ulong size) => await TryRemoveMemory(start, size);

    /// <summary>The blocks of [start, start+size), ascending.</summary>
    public IEnumerable<MemoryBlock> BlocksOf(ulong start, ulong size) =>
        kernel.Blocks.Range((long)(start / kernel.BlockSizeBytes), (long)((start + size - 1) / kernel.BlockSizeBytes));

    // Models check_hotplug_memory_range(): non-empty and block-aligned.
    private Errno CheckHotplugMemoryRange(ulong start, ulong size)
    {
        ulong bs = kernel.BlockSizeBytes;
        if (size == 0 || start % bs != 0 || size % bs != 0)
        {
            kernel.Log.Err($"Block size [{KernelFormat.HexPrefixed(bs)}] unaligned hotplug range: start {KernelFormat.HexPrefixed(start)}, size {KernelFormat.HexPrefixed(size)}");
            return Errno.EINVAL;
        }

        return Errno.None;
    }
}
