using Daxplug.Kernel.Resource;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Dax;

/// <summary>The store() functions of dax regions and devices (drivers/dax/bus.c).</summary>
public sealed partial class DaxBus
{
    // Models size_store(): kstrtoull base 0, aligned to max(align, 2 MiB) else EINVAL, then dev_dax_resize().
    public async ValueTask<Errno> SizeStore(DevDax dev, string buf)
    {
        var rc = SysfsText.KstrToUll(buf, 0, out var size);
        if (rc != Errno.None)
        {
            return rc;
        }

        if (!AllocIsAligned(dev, size))
        {
            return Errno.EINVAL;
        }

        await using var region = await RegionRwsem.Hold();
        await using var devLock = await DevRwsem.Hold();
        return DevDaxResize(dev, size);
    }

    // Models mapping_store(): "start-end" in hex; a misaligned length is accepted without allocating (the
    // kernel's quirk); a claimed or out-of-region range is ENOMEM.
    public async ValueTask<Errno> MappingStore(DevDax dev, string buf)
    {
        ulong end = 0;
        var parts = buf.Split('-', 2);
        if (parts.Length != 2)
        {
            return Errno.EINVAL;
        }

        var rc = SysfsText.KstrToUll(parts[0], 16, out var start);
        if (rc == Errno.None)
        {
            rc = SysfsText.KstrToUll(parts[1], 16, out end);
        }

        if (rc != Errno.None)
        {
            return rc;
        }

        await using var region = await RegionRwsem.Hold();
        await using var devLock = await DevRwsem.Hold();
        ulong len = end - start + 1;
        return AllocIsAligned(dev, len) ? AllocDevDaxRange(dev, start, len) : Errno.None;
    }

    // Models align_store(): a parse error is ENXIO; only 4K/2M/1G; EBUSY while bound; every range must be a
    // multiple of the new alignment, else the old one is restored and EINVAL returned.
    public async ValueTask<Errno> AlignStore(DevDax dev, string buf)
    {
        if (SysfsText.KstrToUll(buf, 0, out var value) != Errno.None)
        {
            return Errno.ENXIO;
        }

        if (value is not (4096 or (2UL << 20) or (1UL << 30)))
        {
            return Errno.EINVAL;
        }

        await using var region = await RegionRwsem.Hold();
        await using var devLock = await DevRwsem.Hold();
        if (dev.Driver is not null)
        {
            return Errno.EBUSY;
        }

        uint saved = dev.Align;
        dev.Align = (uint)value;
        if (dev.Ranges.Any(r => !AllocIsAligned(dev, r.Length)))
        {
            dev.Align = saved;
            return Errno.EINVAL;
        }

        return Errno.None;
    }

    // Models memmap_on_memory_store(): kstrtobool; EOPNOTSUPP without mhp_supports_memmap_on_memory(); a change
    // while bound to kmem is EBUSY.
    public async ValueTask<Errno> MemmapOnMemoryStore(DevDax dev, string buf)
    {
        var rc = SysfsText.KstrToBool(buf, out var value);
        if (rc != Errno.None)
        {
            return rc;
        }

        if (value && !kernel.Hotplug.SupportsMemmapOnMemory)
        {
            return Errno.EOPNOTSUPP;
        }

        await using var _ = await DevRwsem.Hold();
        if (dev.MemmapOnMemory != value && dev.Driver?.Type == DaxDriverType.Kmem)
        {
            return Errno.EBUSY;
        }

        dev.MemmapOnMemory = value;
        return Errno.None;
    }

    // Models create_store(): only "1" (kstrtoint), ENOSPC when the region is full; the new 0-size device
    // becomes the seed if there is none, and always the youngest.
    public async ValueTask<Errno> CreateStore(DaxRegion region, string buf)
    {
        if (region.IsStatic)
        {
            return Errno.EINVAL;
        }

        var rc = SysfsText.KstrToLong(buf, 0, int.MinValue, int.MaxValue, out var value);
        if (rc != Errno.None)
        {
            return rc;
        }

        if (value != 1)
        {
            return Errno.EINVAL;
        }

        DevDax dev;
        await using (await RegionRwsem.Hold())
        {
            if (region.AvailableSize == 0)
            {
                return Errno.ENOSPC;
            }

            dev = await CreateDevDaxLocked(region);
            region.Seed ??= dev;
            region.Youngest = dev;
        }

        return Errno.None;
    }

    // Models delete_store(): ENXIO for an unknown name; EBUSY if bound, sized or device 0.
    public async ValueTask<Errno> DeleteStore(DaxRegion region, string buf)
    {
        if (region.IsStatic)
        {
            return Errno.EINVAL;
        }

        DevDax? victim;
        lock (region.Devices)
        {
            victim = region.Devices.Values.FirstOrDefault(d => SysfsText.Streq(buf, d.Name));
        }

        if (victim is null)
        {
            return Errno.ENXIO;
        }

        await using var _ = await victim.DeviceLock.Hold();
        int oldId;
        await using (await DevRwsem.Hold())
        {
            if (victim.Driver is not null || victim.Size != 0 || victim.Id <= 0)
            {
                return Errno.EBUSY;
            }

            oldId = victim.Id;
            region.FreeId(oldId);
            victim.Id = -1;
            if (region.Seed == victim)
            {
                region.Seed = null;
            }

            if (region.Youngest == victim)
            {
                region.Youngest = null;
            }
        }

        UnregisterDevDax(victim, oldId);
        return Errno.None;
    }

    // create_store() holds dax_region_rwsem around __devm_create_dev_dax(); the device add and its autoprobe
    // (which fails with ENXIO for a 0-size device) happen inside.
    private ValueTask<DevDax> CreateDevDaxLocked(DaxRegion region) => CreateDevDax(region, -1, []);

    // Models dev_dax_probe() (drivers/dax/device.c) for what the model keeps: claim every range in iomem (EBUSY
    // if any is taken, e.g. still held by a kmem that failed to hot-remove).
    private Errno DeviceDaxProbe(DevDax dev)
    {
        var claimed = new List<IoResource>();
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            var r = dev.Ranges[i];
            var res = kernel.Iomem.RequestRegion(r.Start, r.Length, dev.Name, ResourceFlags.Mem);
            if (res is null)
            {
                kernel.Log.Warn($"device_dax {dev.Name}: mapping{i}: {KernelFormat.HexPrefixed(r.Start)}-{KernelFormat.HexPrefixed(r.End)} could not reserve range");
                claimed.ForEach(kernel.Iomem.Release);
                return Errno.EBUSY;
            }

            claimed.Add(res);
        }

        dev.DeviceDaxClaims = claimed;
        return Errno.None;
    }

    // devm releases what dev_dax_probe() claimed.
    private void DeviceDaxRemove(DevDax dev)
    {
        dev.DeviceDaxClaims.ForEach(kernel.Iomem.Release);
        dev.DeviceDaxClaims = [];
    }
}
