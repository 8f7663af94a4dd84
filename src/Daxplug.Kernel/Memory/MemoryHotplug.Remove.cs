using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Resource;

namespace Daxplug.Kernel.Memory;

/// <summary>Block and node registration and removal (drivers/base/memory.c, drivers/base/node.c).</summary>
public sealed partial class MemoryHotplug
{
    /// <summary>The number of memory blocks linked to a node.</summary>
    public long BlocksOnNode(int nid)
    {
        lock (blocksPerNodeGate)
        {
            return blocksPerNode.GetValueOrDefault(nid);
        }
    }

    // Models try_remove_memory(): all blocks offline, then unregister them, release the resource and try to
    // offline the node. Caller holds device_hotplug_lock.
    private async ValueTask<Errno> TryRemoveMemory(ulong start, ulong size)
    {
        if (CheckHotplugMemoryRange(start, size) != Errno.None)
        {
            throw new InvalidOperationException("try_remove_memory on an unaligned range (BUG)");
        }

        var blocks = BlocksOf(start, size).ToList();
        int nid = -1;
        foreach (var mem in blocks)
        {
            nid = mem.Nid;
            if (mem.State != MemoryBlockState.Offline)
            {
                ulong begin = mem.StartPfn * KernelModel.PageSize;
                kernel.Log.Warn($"removing memory fails, because memory [0x{begin:x16}-0x{begin + kernel.BlockSizeBytes - 1:x16}] is onlined");
                return Errno.EBUSY;
            }
        }

        // daxplug's fault: a remove that fails although every block is offline.
        if (blocks.FirstOrDefault(b => b.Faults.RemoveError != 0) is { } failing)
        {
            kernel.Log.Warn($"daxplug: injected remove failure ({failing.Faults.RemoveError}) for memory{failing.Id}");
            return (Errno)(-NotifierErrorInject.Clamp(failing.Faults.RemoveError));
        }

        await using var _ = await kernel.MemHotplugLock.Hold();
        foreach (var mem in blocks)
        {
            UnregisterBlock(mem);
        }

        ReleaseMemRegionAdjustable(start, size);
        if (nid >= 0)
        {
            TryOfflineNode(nid);
        }

        return Errno.None;
    }

    // Models try_offline_node(): a node with no span, no blocks and no CPUs goes offline and unregisters.
    private void TryOfflineNode(int nid)
    {
        var node = Node(nid);
        if (node.SpannedPages != 0 || BlocksOnNode(nid) != 0 || node.Cpus.Count != 0)
        {
            return;
        }

        kernel.NodeStates.Clear(nid, NodeState.Online);
        node.Registered = false;
        kernel.Uevents.Emit("remove", $"/devices/system/node/node{nid}", "node");
    }

    // Models __register_one_node() after node_set_online() for a node that gets its first memory.
    internal void RegisterNode(NumaNode node)
    {
        kernel.NodeStates.Set(node.Id, NodeState.Online);
        if (!node.Registered)
        {
            node.Registered = true;
            kernel.Uevents.Emit("add", $"/devices/system/node/node{node.Id}", "node");
        }
    }

    // Models add_memory_block() + register_memory_blocks_under_node(): the device, its uevent and node link.
    internal void RegisterBlock(MemoryBlock mem)
    {
        kernel.Blocks.Add(mem);
        lock (blocksPerNodeGate)
        {
            blocksPerNode[mem.Nid] = blocksPerNode.GetValueOrDefault(mem.Nid) + 1;
            if (mem.Group is { } group)
            {
                blocksPerGroup[group.Id] = blocksPerGroup.GetValueOrDefault(group.Id) + 1;
            }
        }

        if (!mem.Early)
        {
            kernel.Uevents.Emit("add", DevPath(mem), "memory");
        }
    }

    // Models remove_memory_block(): unlink from the node and unregister the device.
    private void UnregisterBlock(MemoryBlock mem)
    {
        mem.Removed = true;
        kernel.Blocks.Remove(mem);
        lock (blocksPerNodeGate)
        {
            blocksPerNode[mem.Nid]--;
            if (mem.Group is { } group)
            {
                blocksPerGroup[group.Id]--;
            }
        }

        kernel.Uevents.Emit("remove", DevPath(mem), "memory");
    }

    // Models release_mem_region_adjustable() for the common case: the System RAM resource of exactly the range.
    private void ReleaseMemRegionAdjustable(ulong start, ulong size)
    {
        var res = kernel.Iomem.All().FirstOrDefault(r =>
            r.Start == start && r.End == start + size - 1 && (r.Flags & ResourceFlags.SystemRam) == ResourceFlags.SystemRam && r.Busy);
        if (res is null)
        {
            kernel.Log.Warn($"Unable to release resource <0x{start:x16}-0x{start + size - 1:x16}>");
            return;
        }

        kernel.Iomem.Release(res);
    }
}
