namespace Daxplug.Kernel.Memory;

/// <summary>
/// The memory_blocks xarray of drivers/base/memory.c: every memoryN by id. Its own small lock stands for the
/// xarray's RCU, so listings from other threads see a consistent set while blocks come and go. A lookup by id, on
/// the path of every sysfs read of a block, takes no lock: it reads a two-level table (ids in chunks of 64) that
/// adds and removes update under the lock, as an RCU reader reads the xarray.
/// </summary>
public sealed class MemoryBlocks
{
    private const int ChunkBits = 6;
    private readonly Dictionary<long, MemoryBlock> byId = [];
    private readonly Lock byIdGate = new();
    private long[]? sortedIds;
    private MemoryBlock?[]?[] chunks = [];

    public int Count
    {
        get
        {
            lock (byIdGate)
            {
                return byId.Count;
            }
        }
    }

    // Models find_memory_block_by_id().
    public MemoryBlock? Find(long id)
    {
        var table = Volatile.Read(ref chunks);
        long hi = id >> ChunkBits;
        return id >= 0 && hi < table.Length && Volatile.Read(ref table[hi]) is { } chunk
            ? Volatile.Read(ref chunk[id & ((1 << ChunkBits) - 1)])
            : null;
    }

    // Puts block (or null) in id's slot of the lookup table; with the lock held.
    private void SetSlot(long id, MemoryBlock? block)
    {
        long hi = id >> ChunkBits;
        var table = chunks;
        if (hi >= table.Length)
        {
            if (block is null)
            {
                return;
            }

            var grown = new MemoryBlock?[]?[Math.Max(hi + 1, table.Length * 2)];
            table.CopyTo(grown, 0);
            Volatile.Write(ref chunks, grown);
            table = grown;
        }

        if (table[hi] is not { } chunk)
        {
            if (block is null)
            {
                return;
            }

            chunk = new MemoryBlock?[1 << ChunkBits];
            Volatile.Write(ref table[hi], chunk);
        }

        Volatile.Write(ref chunk[id & ((1 << ChunkBits) - 1)], block);
    }

    /// <summary>Every block id, ascending.</summary>
    public long[] Ids()
    {
        // Made again only after an add or remove; until then readers share it without the lock.
        if (Volatile.Read(ref sortedIds) is { } ids)
        {
            return ids;
        }

        lock (byIdGate)
        {
            if (sortedIds is null)
            {
                var sorted = byId.Keys.ToArray();
                Array.Sort(sorted);
                Volatile.Write(ref sortedIds, sorted);
            }

            return sortedIds;
        }
    }

    /// <summary>Every block, ascending by id.</summary>
    public IEnumerable<MemoryBlock> All()
    {
        foreach (var id in Ids())
        {
            if (Find(id) is { } block)
            {
                yield return block;
            }
        }
    }

    // Models walk_memory_blocks(): the blocks present in [firstId, lastId], ascending (or descending).
    public IEnumerable<MemoryBlock> Range(long firstId, long lastId, bool ascending = true)
    {
        if (lastId < firstId)
        {
            yield break;
        }

        var ids = Ids();
        int lo = LowerBound(ids, firstId);
        int hi = LowerBound(ids, lastId + 1) - 1;
        for (int i = ascending ? lo : hi; ascending ? i <= hi : i >= lo; i += ascending ? 1 : -1)
        {
            if (Find(ids[i]) is { } block)
            {
                yield return block;
            }
        }
    }

    private static int LowerBound(long[] ids, long value)
    {
        int lo = 0, hi = ids.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (ids[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    internal void Add(MemoryBlock block)
    {
        lock (byIdGate)
        {
            if (!byId.TryAdd(block.Id, block))
            {
                throw new InvalidOperationException($"memory{block.Id} already exists");
            }

            SetSlot(block.Id, block);
            Volatile.Write(ref sortedIds, null);
        }
    }

    internal void Remove(MemoryBlock block)
    {
        lock (byIdGate)
        {
            byId.Remove(block.Id);
            SetSlot(block.Id, null);
            Volatile.Write(ref sortedIds, null);
        }
    }
}
