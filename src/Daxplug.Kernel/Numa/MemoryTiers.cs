using Daxplug.Kernel.Locking;

namespace Daxplug.Kernel.Numa;

/// <summary>
/// mm/memory-tiers.c: memory types by abstract distance, tiers of 128 adistance units, and which type and tier
/// each node belongs to. Tiers appear when a node gets its first memory and go away with its last.
/// </summary>
public sealed class MemoryTiers
{
    public const int ChunkBits = 7;
    public const int ChunkSize = 1 << ChunkBits;

    /// <summary>MEMTIER_ADISTANCE_DRAM = 4 * chunk + chunk / 2 = 576 (tier 4).</summary>
    public const int AdistanceDram = (4 * ChunkSize) + (ChunkSize / 2);

    /// <summary>MEMTIER_DEFAULT_DAX_ADISTANCE = DRAM * 5 = 2880 (tier 22): kmem's default.</summary>
    public const int AdistanceDaxDefault = AdistanceDram * 5;

    private readonly List<MemoryTier> tiers = [];
    private readonly Lock tiersGate = new();
    private readonly List<MemoryType> defaultMemoryTypes = [];
    private readonly List<MemoryType> sharedTypes = [];
    private readonly Dictionary<int, NodeMemoryType> nodeTypes = [];
    private readonly Func<int, int?> calcAdistance;

    public MemoryTiers(KernelMutex memoryTierLock, Func<int, int?> calcAdistance)
    {
        Lock = memoryTierLock;
        this.calcAdistance = calcAdistance;
        // Models memory_tier_init(): the default DRAM type lives on default_memory_types.
        DefaultDramType = MtFindAllocMemoryType(AdistanceDram, defaultMemoryTypes);
    }

    /// <summary>memory_tier_lock: protects the tier list, memory types' node masks and node_memory_types[].</summary>
    public KernelMutex Lock { get; }

    public MemoryType DefaultDramType { get; }

    /// <summary>The registered tiers in adistance order (a copy).</summary>
    public IReadOnlyList<MemoryTier> Tiers
    {
        get
        {
            lock (tiersGate)
            {
                return tiers.ToArray();
            }
        }
    }

    public MemoryTier? TierById(long id) => Tiers.FirstOrDefault(t => t.Id == id);

    /// <summary>node_memory_types[nid].memtype, or null.</summary>
    public MemoryType? NodeType(int nid) => nodeTypes.TryGetValue(nid, out var e) ? e.Type : null;

    /// <summary>node_memory_types[nid].map_count.</summary>
    public int NodeMapCount(int nid) => nodeTypes.TryGetValue(nid, out var e) ? e.MapCount : 0;

    /// <summary>The tier of a node with memory, or null (pgdat->memtier).</summary>
    public MemoryTier? NodeTier(int nid) => Tiers.FirstOrDefault(t => t.MemoryTypes.Any(m => m.Nodes.Contains(nid)));

    // Models alloc_memory_type().
    public static MemoryType AllocMemoryType(int adistance) => new(adistance);

    // Models put_memory_type(): kref_put.
    public static void PutMemoryType(MemoryType type) => type.RefCount--;

    // Models mt_find_alloc_memory_type(): the entry of the same adistance on the list, or a new one added to it.
    public static MemoryType MtFindAllocMemoryType(int adistance, List<MemoryType> list)
    {
        var found = list.FirstOrDefault(t => t.Adistance == adistance);
        if (found is not null)
        {
            return found;
        }

        var type = AllocMemoryType(adistance);
        list.Insert(0, type);
        return type;
    }

    // Models mt_put_memory_types(): remove every entry and put it.
    public static void MtPutMemoryTypes(List<MemoryType> list)
    {
        foreach (var type in list)
        {
            PutMemoryType(type);
        }

        list.Clear();
    }

    // Models mt_get_memory_type() of the series' patch 1: one type per adistance, shared by every driver, under
    // memory_tier_lock; each caller holds a reference and drops it with PutMemoryType.
    public async ValueTask<MemoryType> MtGetMemoryType(int adistance)
    {
        await using var _ = await Lock.Hold();
        sharedTypes.RemoveAll(t => t.Freed);
        var found = sharedTypes.FirstOrDefault(t => t.Adistance == adistance);
        if (found is not null)
        {
            found.RefCount++;
            return found;
        }

        var type = AllocMemoryType(adistance);
        sharedTypes.Add(type);
        return type;
    }

    // Models init_node_memory_type().
    public async ValueTask InitNodeMemoryType(int nid, MemoryType type)
    {
        await using var _ = await Lock.Hold();
        InitNodeMemoryTypeLocked(nid, type);
    }

    // Models clear_node_memory_type(): drop a mapping; at map_count 0 the node forgets its type.
    public async ValueTask ClearNodeMemoryType(int nid, MemoryType? type)
    {
        await using var _ = await Lock.Hold();
        var entry = nodeTypes.GetValueOrDefault(nid);
        if (entry.Type == type || type is null)
        {
            entry.MapCount--;
        }

        if (entry.MapCount == 0 && entry.Type is not null)
        {
            PutMemoryType(entry.Type);
            entry.Type = null;
        }

        nodeTypes[nid] = entry;
    }

    // Models set_node_memory_tier(): called with memory_tier_lock held when a node gets its first memory.
    internal MemoryTier? SetNodeMemoryTier(int nid)
    {
        int adist = calcAdistance(nid) ?? AdistanceDram;
        var type = DefaultDramType;
        if (NodeType(nid) is null)
        {
            type = MtFindAllocMemoryType(adist, defaultMemoryTypes);
        }

        InitNodeMemoryTypeLocked(nid, type);
        type = NodeType(nid)!;
        type.Nodes.Add(nid);
        return FindCreateMemoryTier(type);
    }

    // Models clear_node_memory_tier(): called with memory_tier_lock held when a node loses its last memory.
    internal bool ClearNodeMemoryTier(int nid)
    {
        var tier = NodeTier(nid);
        if (tier is null)
        {
            return false;
        }

        var type = NodeType(nid)!;
        type.Nodes.Remove(nid);
        if (type.Nodes.Count == 0)
        {
            tier.MemoryTypes.Remove(type);
            type.InTier = false;
            if (tier.MemoryTypes.Count == 0)
            {
                lock (tiersGate)
                {
                    tiers.Remove(tier);
                }
            }
        }

        return true;
    }

    private void InitNodeMemoryTypeLocked(int nid, MemoryType type)
    {
        var entry = nodeTypes.GetValueOrDefault(nid);
        entry.Type ??= type;
        if (entry.Type == type && entry.MapCount++ == 0)
        {
            type.RefCount++;
        }

        nodeTypes[nid] = entry;
    }

    // Models find_create_memory_tier(): the tier of round_down(adistance, 128), created in order if missing.
    private MemoryTier FindCreateMemoryTier(MemoryType type)
    {
        int start = type.Adistance / ChunkSize * ChunkSize;
        lock (tiersGate)
        {
            var tier = tiers.FirstOrDefault(t => t.AdistanceStart == start);
            if (tier is null)
            {
                tier = new MemoryTier(start);
                int at = tiers.FindIndex(t => t.AdistanceStart > start);
                tiers.Insert(at < 0 ? tiers.Count : at, tier);
            }

            if (!type.InTier)
            {
                tier.MemoryTypes.Insert(0, type);
                type.InTier = true;
            }

            return tier;
        }
    }

    private struct NodeMemoryType
    {
        public MemoryType? Type;
        public int MapCount;
    }
}
