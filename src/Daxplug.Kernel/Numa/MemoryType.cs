namespace Daxplug.Kernel.Numa;

/// <summary>struct memory_dev_type (include/linux/memory-tiers.h): an abstract distance and the nodes using it.</summary>
public sealed class MemoryType(int adistance)
{
    public int Adistance { get; } = adistance;

    /// <summary>Nodes with memory of this type (memtype->nodes).</summary>
    public SortedSet<int> Nodes { get; } = [];

    /// <summary>kref: alloc gives 1; dropping to 0 frees.</summary>
    public int RefCount { get; internal set; } = 1;

    /// <summary>memtype->tier_sibling is on a tier's list.</summary>
    public bool InTier { get; internal set; }

    public bool Freed => RefCount <= 0;
}

/// <summary>struct memory_tier: a device memory_tierN whose id is adistance_start >> 7.</summary>
public sealed class MemoryTier(int adistanceStart)
{
    public int AdistanceStart { get; } = adistanceStart;

    public int Id => AdistanceStart >> MemoryTiers.ChunkBits;

    public List<MemoryType> MemoryTypes { get; } = [];

    // Models get_memtier_nodemask(): the union of the nodes of its memory types.
    public IEnumerable<int> Nodes => MemoryTypes.SelectMany(t => t.Nodes).Distinct().Order();
}
