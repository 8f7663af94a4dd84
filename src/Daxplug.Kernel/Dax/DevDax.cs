using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Resource;

namespace Daxplug.Kernel.Dax;

/// <summary>One range of a dax device (struct dev_dax_range): inclusive bounds, page offset, its mappingN id.</summary>
public sealed class DaxRange(ulong start, ulong end, ulong pgoff, int mappingId, IoResource res)
{
    public ulong Start { get; internal set; } = start;

    public ulong End { get; internal set; } = end;

    /// <summary>Offset of this range within the device, in pages.</summary>
    public ulong Pgoff { get; } = pgoff;

    public int MappingId { get; } = mappingId;

    /// <summary>The range's child resource in the region's tree.</summary>
    internal IoResource Res { get; } = res;

    public ulong Length => End - Start + 1;
}

/// <summary>struct dev_dax (drivers/dax/dax-private.h): a device daxR.N, its ranges and driver.</summary>
public sealed class DevDax
{
    internal DevDax(DaxRegion region, int id, int minor, Func<IKernelScheduler> scheduler)
    {
        Region = region;
        Id = id;
        Minor = minor;
        Align = region.Align;
        DeviceLock = new KernelMutex($"device_lock(dax{region.Id}.{id})", 2, scheduler);
    }

    public DaxRegion Region { get; }

    public int Id { get; internal set; }

    /// <summary>daxR.N: made again only when the id changes (a deleted device gets -1), since lookups by name
    /// compare it for every device.</summary>
    public string Name
    {
        get
        {
            var cached = name;
            if (cached is null || cached.Id != Id)
            {
                cached = new DevName(Id, $"dax{Region.Id}.{Id}");
                name = cached;
            }

            return cached.Text;
        }
    }

    private DevName? name;

    private sealed record DevName(int Id, string Text);

    /// <summary>The "dax" char device minor (ida in drivers/dax/super.c).</summary>
    public int Minor { get; }

    public List<DaxRange> Ranges { get; } = [];

    public uint Align { get; internal set; }

    public bool MemmapOnMemory { get; internal set; }

    public DaxDriver? Driver { get; internal set; }

    /// <summary>The series' dev_dax->online_type, captured at creation (v3 patch 6).</summary>
    public OnlineType CreatedOnlineType { get; internal set; }

    /// <summary>kmem's drvdata while bound to kmem (and after a failed remove in profiles that leak it).</summary>
    public KmemData? Kmem { get; internal set; }

    /// <summary>device_lock(): serializes probe/remove of this device.</summary>
    public KernelMutex DeviceLock { get; }

    /// <summary>The iomem claims device_dax holds while bound (devm_request_mem_region()).</summary>
    internal List<IoResource> DeviceDaxClaims { get; set; } = [];

    /// <summary>Unregistered (deleted); kept only by whoever still holds it.</summary>
    public bool Dead { get; internal set; }

    public ulong Size => Ranges.Aggregate(0UL, (s, r) => s + r.Length);

    /// <summary>The /sys path of the device directory ("devices/platform/hmem.0/dax0.0").</summary>
    public string SysPath => $"{Region.ParentPath}/{Name}";
}
