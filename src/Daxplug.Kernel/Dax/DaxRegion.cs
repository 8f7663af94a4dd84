using Daxplug.Kernel.Resource;

namespace Daxplug.Kernel.Dax;

/// <summary>
/// struct dax_region (drivers/dax/bus.c): a physical range a parent device (hmem, pmem, CXL) hands to device-DAX.
/// Its own resource tree (not /proc/iomem) records which parts belong to which device.
/// </summary>
public sealed class DaxRegion
{
    private readonly SortedSet<int> ids = [];

    internal DaxRegion(int id, string parentPath, ulong start, ulong end, uint align, int targetNode, bool isStatic, bool isKmem)
    {
        Id = id;
        ParentPath = parentPath;
        Align = align;
        TargetNode = targetNode;
        IsStatic = isStatic;
        IsKmem = isKmem;
        Res = new IoResource($"dax_region{id}", start, end, ResourceFlags.Mem);
    }

    public int Id { get; }

    /// <summary>The parent device's path below /sys ("devices/platform/hmem.0").</summary>
    public string ParentPath { get; }

    public uint Align { get; }

    public int TargetNode { get; }

    /// <summary>The parent device's numa_node, fixed when it was created (numa_map_to_online_node()).</summary>
    public int NumaNode { get; internal set; }

    /// <summary>IORESOURCE_DAX_STATIC: one fixed range (pmem).</summary>
    public bool IsStatic { get; }

    /// <summary>IORESOURCE_DAX_KMEM: kmem binds by default (hmem/CXL).</summary>
    public bool IsKmem { get; }

    /// <summary>dax_region->res: the region range; device ranges are its children.</summary>
    public IoResource Res { get; }

    /// <summary>The devices of this region, by id.</summary>
    public SortedDictionary<int, DevDax> Devices { get; } = [];

    /// <summary>The first created device that has not yet probed (dax_region->seed).</summary>
    public DevDax? Seed { get; internal set; }

    /// <summary>The last device made through "create" (dax_region->youngest).</summary>
    public DevDax? Youngest { get; internal set; }

    public ulong Size => Res.Size;

    // Models dax_region_avail_size(): the region minus what its devices hold.
    public ulong AvailableSize => Res.Children.Aggregate(Size, (avail, r) => avail - r.Size);

    // Models alloc_dev_dax_id(): the lowest free id (ida_alloc).
    internal int AllocId()
    {
        int id = 0;
        while (ids.Contains(id))
        {
            id++;
        }

        ids.Add(id);
        return id;
    }

    internal void ReserveId(int id) => ids.Add(id);

    internal void FreeId(int id) => ids.Remove(id);
}
