using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Resource;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Memory;

/// <summary>Memory groups (drivers/base/memory.c): the ranges of one device that onlining and auto-movable treat as one.</summary>
public sealed partial class MemoryHotplug
{
    // Models memory_group_register_static()/_dynamic(): returns the new group id, or -errno.
    public int MemoryGroupRegister(int nid, bool isDynamic, ulong pages)
    {
        if (pages == 0 || kernel.Node(nid) is null ||
            (isDynamic && ((pages & (pages - 1)) != 0 || pages < kernel.PagesPerBlock)))
        {
            return -(int)Errno.EINVAL;
        }

        lock (groupsGate)
        {
            int id = 0;
            while (groups.Any(g => g.Id == id))
            {
                id++;
            }

            groups.Add(new MemoryGroup(id, nid, isDynamic, pages));
            return id;
        }
    }

    // Models memory_group_unregister(): EBUSY while blocks still belong to it.
    public Errno MemoryGroupUnregister(int mgid)
    {
        lock (groupsGate)
        {
            var group = groups.FirstOrDefault(g => g.Id == mgid);
            if (group is null)
            {
                return Errno.EINVAL;
            }

            if (blocksPerGroup.GetValueOrDefault(mgid) > 0)
            {
                return Errno.EBUSY;
            }

            groups.Remove(group);
            return Errno.None;
        }
    }
}
