namespace Daxplug.Kernel.Memory;

/// <summary>enum zone_type on x86-64 (no HighMem); Device zones are not modelled.</summary>
public enum ZoneType
{
    DMA = 0,
    DMA32 = 1,
    Normal = 2,
    Movable = 3,
}

/// <summary>zone_names[] (mm/page_alloc.c) and the x86-64 zone limits.</summary>
public static class ZoneTypes
{
    /// <summary>The number of modelled zones per node.</summary>
    public const int Count = 4;

    /// <summary>Highest pfn + 1 of ZONE_DMA (16 MiB) on x86-64.</summary>
    public const ulong DmaLimitPfn = 0x1000;

    /// <summary>Highest pfn + 1 of ZONE_DMA32 (4 GiB) on x86-64.</summary>
    public const ulong Dma32LimitPfn = 0x100000;

    public static string Name(ZoneType type) => type switch
    {
        ZoneType.DMA => "DMA",
        ZoneType.DMA32 => "DMA32",
        ZoneType.Normal => "Normal",
        _ => "Movable",
    };

    /// <summary>True for the zones that count as "kernel" (≤ ZONE_NORMAL).</summary>
    public static bool IsKernel(ZoneType type) => type <= ZoneType.Normal;

    /// <summary>The boot zone of a pfn by the x86-64 limits (ZONE_MOVABLE is never a boot zone here).</summary>
    public static ZoneType BootZoneOf(ulong pfn) =>
        pfn < DmaLimitPfn ? ZoneType.DMA : pfn < Dma32LimitPfn ? ZoneType.DMA32 : ZoneType.Normal;

    /// <summary>[start, end) pfn limits of a boot zone type.</summary>
    public static (ulong Start, ulong End) Limits(ZoneType type) => type switch
    {
        ZoneType.DMA => (0, DmaLimitPfn),
        ZoneType.DMA32 => (DmaLimitPfn, Dma32LimitPfn),
        _ => (Dma32LimitPfn, ulong.MaxValue),
    };
}
