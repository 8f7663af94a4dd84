using Daxplug.Kernel.Resource;

namespace Daxplug.Kernel.Dax;

/// <summary>Regions and the lifecycle of their devices (drivers/dax/bus.c).</summary>
public sealed partial class DaxBus
{
    // Models alloc_dax_region(): start and length must be aligned.
    internal DaxRegion AllocDaxRegion(int id, string parentPath, ulong start, ulong end, uint align, int targetNode, bool isStatic, bool isKmem)
    {
        if (start % align != 0 || (end - start + 1) % align != 0)
        {
            throw new FormatException($"dax region {id}: range not aligned to {align}");
        }

        var region = new DaxRegion(id, parentPath, start, end, align, targetNode, isStatic, isKmem);
        lock (regions)
        {
            regions.Add(region);
        }

        return region;
    }

    // Models __devm_create_dev_dax(): an id (fixed for static regions, the lowest free one otherwise), the first
    // range at the region start (or none for size 0), a char device minor, device_add() and autoprobe.
    internal async ValueTask<DevDax> CreateDevDax(DaxRegion region, int staticId, IReadOnlyList<(ulong Start, ulong Size)> ranges)
    {
        int id;
        if (region.IsStatic)
        {
            id = staticId;
            region.ReserveId(id);
        }
        else
        {
            id = region.AllocId();
        }

        int minor;
        lock (minors)
        {
            minor = 0;
            while (minors.Contains(minor))
            {
                minor++;
            }

            minors.Add(minor);
        }

        var dev = new DevDax(region, id, minor, () => kernel.Scheduler)
        {
            CreatedOnlineType = region.IsStatic ? Memory.OnlineType.Offline : kernel.Params.AutoOnlineBlocks,
        };
        foreach (var (start, size) in ranges)
        {
            var rc = AllocDevDaxRange(dev, start, size);
            if (rc != Errno.None)
            {
                throw new FormatException($"{dev.Name}: range 0x{start:x}+0x{size:x} does not fit its region ({rc})");
            }
        }

        lock (region.Devices)
        {
            region.Devices.Add(id, dev);
        }

        kernel.Uevents.Emit("add", "/" + dev.SysPath, "dax", ("MAJOR", $"{Major}"), ("MINOR", $"{minor}"), ("DEVNAME", dev.Name), ("MODALIAS", "dax:t0"));
        if (DriversAutoprobe)
        {
            await DeviceAttach(dev);
        }

        return dev;
    }

    // Models unregister_dev_dax(): device_del(), free the ranges and (at release) the minor.
    private void UnregisterDevDax(DevDax dev, int oldId)
    {
        lock (dev.Region.Devices)
        {
            dev.Region.Devices.Remove(oldId);
        }

        dev.Dead = true;
        kernel.Uevents.Emit("remove", "/" + dev.SysPath.Replace($".{dev.Id}", $".{oldId}", StringComparison.Ordinal), "dax");
        while (dev.Ranges.Count > 0)
        {
            TrimDevDaxRange(dev);
        }

        lock (minors)
        {
            minors.Remove(dev.Minor);
        }
    }

    // Models alloc_dev_dax_range(): claim [start, start+size) in the region's tree (ENOMEM on conflict); the
    // new range's page offset follows the existing ones.
    private Errno AllocDevDaxRange(DevDax dev, ulong start, ulong size)
    {
        if (size == 0)
        {
            return dev.Ranges.Count > 0 ? Errno.EBUSY : Errno.None;
        }

        var res = kernel.Iomem.RequestRegion(start, size, dev.Name, ResourceFlags.Mem, dev.Region.Res);
        if (res is null)
        {
            return Errno.ENOMEM;
        }

        ulong pgoff = dev.Ranges.Aggregate(0UL, (s, r) => s + (r.Length / KernelModel.PageSize));
        int mapping = 0;
        while (dev.Ranges.Any(r => r.MappingId == mapping))
        {
            mapping++;
        }

        dev.Ranges.Add(new DaxRange(res.Start, res.End, pgoff, mapping, res));
        return Errno.None;
    }

    // Models trim_dev_dax_range(): drop the last range and its region resource.
    private void TrimDevDaxRange(DevDax dev)
    {
        var last = dev.Ranges[^1];
        kernel.Iomem.Release(last.Res);
        dev.Ranges.RemoveAt(dev.Ranges.Count - 1);
    }

    // Models alloc_is_aligned(): multiples of max(align, memremap_compat_align() = 2 MiB subsection).
    private static bool AllocIsAligned(DevDax dev, ulong size) => size % Math.Max(dev.Align, 2UL << 20) == 0;

    // Models dev_dax_resize(): EBUSY while bound; ENOSPC beyond the available size; shrink trims from the last
    // range; growth is first-fit over the region's gaps, extending the last range when it is adjacent.
    private Errno DevDaxResize(DevDax dev, ulong size)
    {
        var region = dev.Region;
        ulong devSize = dev.Size;
        if (dev.Driver is not null)
        {
            return Errno.EBUSY;
        }

        if (size == devSize)
        {
            return Errno.None;
        }

        if (size > devSize && size - devSize > region.AvailableSize)
        {
            return Errno.ENOSPC;
        }

        if (size < devSize)
        {
            DevDaxShrink(dev, devSize - size);
            return Errno.None;
        }

        ulong toAlloc = size - devSize;
        while (toAlloc > 0)
        {
            var children = region.Res.Children;
            if (children.Count == 0)
            {
                return AllocDevDaxRange(dev, region.Res.Start, toAlloc);
            }

            var rc = Errno.ENOSPC;
            ulong alloc = 0;
            for (int i = 0; i < children.Count; i++)
            {
                var res = children[i];
                var next = i + 1 < children.Count ? children[i + 1] : null;
                if (i == 0 && res.Start > region.Res.Start)
                {
                    alloc = Math.Min(res.Start - region.Res.Start, toAlloc);
                    rc = AllocDevDaxRange(dev, region.Res.Start, alloc);
                    break;
                }

                alloc = 0;
                if (next is not null && next.Start > res.End + 1)
                {
                    alloc = Math.Min(next.Start - (res.End + 1), toAlloc);
                }

                if (alloc == 0 && next is null && res.End < region.Res.End)
                {
                    alloc = Math.Min(region.Res.End - res.End, toAlloc);
                }

                if (alloc == 0)
                {
                    continue;
                }

                var last = dev.Ranges.Count > 0 ? dev.Ranges[^1] : null;
                rc = last is not null && last.Res == res ? AdjustDevDaxRange(last, res.Size + alloc) : AllocDevDaxRange(dev, res.End + 1, alloc);
                break;
            }

            if (rc != Errno.None)
            {
                return rc;
            }

            toAlloc -= alloc;
        }

        return Errno.None;
    }

    // Models dev_dax_shrink(): whole ranges go from the end; the last remaining one is trimmed.
    private void DevDaxShrink(DevDax dev, ulong toShrink)
    {
        while (toShrink > 0 && dev.Ranges.Count > 0)
        {
            var last = dev.Ranges[^1];
            if (toShrink >= last.Length)
            {
                toShrink -= last.Length;
                TrimDevDaxRange(dev);
                continue;
            }

            AdjustDevDaxRange(last, last.Length - toShrink);
            return;
        }
    }

    // Models adjust_dev_dax_range() + adjust_resource(): move the end of the last range.
    private Errno AdjustDevDaxRange(DaxRange range, ulong size)
    {
        var res = range.Res;
        var parent = res.Parent!;
        int at = parent.Children.IndexOf(res);
        ulong end = range.Start + size - 1;
        if (end > parent.End || (at + 1 < parent.Children.Count && parent.Children[at + 1].Start <= end))
        {
            return Errno.EBUSY;
        }

        res.End = end;
        range.End = end;
        return Errno.None;
    }
}
