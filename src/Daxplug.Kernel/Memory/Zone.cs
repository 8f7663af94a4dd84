namespace Daxplug.Kernel.Memory;

/// <summary>
/// struct zone: a per-node span [StartPfn, StartPfn + SpannedPages) that may contain holes and overlap other
/// zones, and page counters. Spans grow when memory is onlined into the zone and shrink only at the ends.
/// </summary>
public sealed class Zone(int nid, ZoneType type)
{
    public int Nid { get; } = nid;

    public ZoneType Type { get; } = type;

    public string Name => ZoneTypes.Name(Type);

    public ulong StartPfn { get; internal set; }

    public ulong SpannedPages { get; internal set; }

    /// <summary>Pages present (online) in the zone.</summary>
    public ulong PresentPages { get; internal set; }

    /// <summary>Pages that were present at boot and still are (what auto-movable calls "early kernel" memory).</summary>
    public ulong PresentEarlyPages { get; internal set; }

    /// <summary>zone->managed_pages: present pages the buddy allocator manages (not memblock-reserved at boot, not
    /// a hot-added block's own memmap).</summary>
    public ulong ManagedPages { get; internal set; }

    /// <summary>The min, low, high and promo watermarks (<see cref="Watermarks"/>).</summary>
    public ulong Min { get; internal set; }

    public ulong Low { get; internal set; }

    public ulong High { get; internal set; }

    public ulong Promo { get; internal set; }

    /// <summary>lowmem_reserve[]: pages kept back from allocations for each zone type (with ZONE_DEVICE last).</summary>
    public ulong[] LowmemReserve { get; } = new ulong[ZoneTypes.Count + 1];

    public ulong EndPfn => StartPfn + SpannedPages;

    public bool IsEmpty => SpannedPages == 0;

    public bool Populated => PresentPages != 0;

    // Models zone_intersects() (include/linux/mmzone.h): a non-empty span overlapping [pfn, pfn+nr).
    public bool Intersects(ulong pfn, ulong nrPages) =>
        !IsEmpty && pfn + nrPages > StartPfn && pfn < EndPfn;

    // Models resize_zone_range() (mm/memory_hotplug.c): grow the span to cover [pfn, pfn+nr).
    internal void Grow(ulong pfn, ulong nrPages)
    {
        ulong oldEnd = EndPfn;
        if (IsEmpty || pfn < StartPfn)
        {
            StartPfn = pfn;
        }

        SpannedPages = Math.Max(oldEnd, pfn + nrPages) - StartPfn;
    }

    internal void SetSpan(ulong start, ulong end)
    {
        StartPfn = end > start ? start : 0;
        SpannedPages = end > start ? end - start : 0;
    }

    public override string ToString() => $"node{Nid}/{Name}";
}
