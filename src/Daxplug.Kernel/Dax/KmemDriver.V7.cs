using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Dax;

/// <summary>
/// state-v7, the series as merged and shipped in Linux 7.3 (drivers/dax/kmem.c of 7.3.4): the "state" attribute
/// with online_kernel; probe reserves, then adds with the system default type ("offline" included, which reads
/// back as such but cannot be written); unplug through offline_and_remove_memory_ranges() under one lock;
/// resources re-acquired on re-online; an unbind that tries remove_memory() on every added range.
/// </summary>
public sealed partial class KmemDriver
{
    // What state_show() prints for DAX_KMEM_UNPLUGGED (-1) and the mmop values (mhp_online_type_to_str()).
    private static readonly string[] V7Names = ["unplugged", "offline", "online", "online_kernel", "online_movable"];

    // The tail of dev_dax_kmem_probe() (7.3): state UNPLUGGED, reserve, add with mhp_get_default_online_type();
    // a failed hotplug drops the reservations (dax_kmem_cleanup_resources() with the state still UNPLUGGED).
    private async ValueTask<Errno> ProbeV7(DevDax dev, KmemData data)
    {
        var type = kernel.Params.AutoOnlineBlocks;
        data.State = KmemState.Unplugged;
        var rc = InitResourcesV7(dev, data);
        if (rc != Errno.None)
        {
            return rc;
        }

        rc = await DoHotplugV7(dev, data, type);
        if (rc != Errno.None)
        {
            ReleaseAllV7(data);
            return rc;
        }

        data.State = (KmemState)type;
        return Errno.None;
    }

    // Models dax_kmem_init_resources(): reserve every aligned range not yet reserved; a failure before any range
    // was reserved by this call is EBUSY, later ones are skipped with the warning.
    private Errno InitResourcesV7(DevDax dev, KmemData data)
    {
        int mapped = 0;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (AlignedRange(dev, i) is null || data.Res[i] is not null)
            {
                continue;
            }

            if (RequestRange(dev, data, i) is null)
            {
                if (mapped > 0)
                {
                    continue;
                }

                return Errno.EBUSY;
            }

            mapped++;
        }

        return Errno.None;
    }

    // Models dax_kmem_do_hotplug(): add every reserved range with the given type. A range that fails to add is
    // warned about and its reservation released; the failure is returned only if no range was added before it.
    private async ValueTask<Errno> DoHotplugV7(DevDax dev, KmemData data, OnlineType type)
    {
        if (data.State is KmemState.Online or KmemState.OnlineKernel or KmemState.OnlineMovable)
        {
            return Errno.EINVAL;
        }

        int added = 0;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (AlignedRange(dev, i) is not { } r || data.Res[i] is null)
            {
                continue;
            }

            await kernel.Scheduler.Point("dax_kmem_do_hotplug: next range");
            var rc = await kernel.Hotplug.AddMemoryDriverManaged(data.Mgid, r.Start, r.End - r.Start + 1, ResourceName, MhpFlagsOf(dev), type);
            if (rc != Errno.None)
            {
                DevWarn(dev, $"mapping{i}: {Hex(r.Start)}-{Hex(r.End)} memory add failed");
                ReleaseRange(data, i);
                if (added > 0)
                {
                    continue;
                }

                return rc;
            }

            data.Added[i] = true;
            added++;
        }

        return Errno.None;
    }

    // Models dax_kmem_cleanup_resources() when the state is unplugged or offline: release every reservation.
    private void ReleaseAllV7(KmemData data)
    {
        for (int i = 0; i < data.Res.Length; i++)
        {
            ReleaseRange(data, i);
        }
    }

    // Models state_show(): "unplugged" or the online type's name.
    private string StateShowV7(KmemData data) => V7Names[(int)data.State + 1] + "\n";

    // Models state_store() (dax_kmem_parse_state(): "offline" is EINVAL): the same state is a no-op, unplugged
    // from any state, onlining only from unplugged (else EBUSY).
    private async ValueTask<Errno> StateStoreV7(DevDax dev, string buf)
    {
        int i = SysfsText.MatchString(V7Names, buf);
        if (i < 0 || V7Names[i] == "offline")
        {
            return Errno.EINVAL;
        }

        if (dev.Kmem is not { } data)
        {
            return Errno.ENXIO;
        }

        var req = (KmemState)(i - 1);
        await using var _ = await data.Lock.Hold();
        if (req == data.State)
        {
            return Errno.None;
        }

        if (req == KmemState.Unplugged)
        {
            var removed = await HotremoveAtomic(dev, data);
            if (removed == Errno.None)
            {
                data.State = KmemState.Unplugged;
            }

            return removed;
        }

        if (data.State != KmemState.Unplugged)
        {
            return Errno.EBUSY;
        }

        var rc = InitResourcesV7(dev, data);
        if (rc != Errno.None)
        {
            return rc;
        }

        rc = await DoHotplugV7(dev, data, (OnlineType)req);
        if (rc != Errno.None)
        {
            ReleaseAllV7(data);
            return rc;
        }

        data.State = req;
        return Errno.None;
    }

    // Models dax_kmem_do_hotremove(): offline_and_remove_memory_ranges() over the added ranges, all or nothing;
    // a failure is logged and leaves the device as it was.
    private async ValueTask<Errno> HotremoveAtomic(DevDax dev, KmemData data)
    {
        var added = Enumerable.Range(0, dev.Ranges.Count).Where(i => data.Added[i] && AlignedRange(dev, i) is not null).ToList();
        if (added.Count == 0)
        {
            return Errno.None;
        }

        var ranges = added.Select(i => AlignedRange(dev, i)!.Value).Select(r => (r.Start, r.End - r.Start + 1)).ToList();
        var rc = await kernel.Hotplug.OfflineAndRemoveMemoryRanges(ranges);
        if (rc != Errno.None)
        {
            DevErr(dev, $"hotremove failed, device left online: {-(int)rc}");
            return rc;
        }

        ReleaseAllV7(data);
        return Errno.None;
    }

    // Models dev_dax_kmem_remove() (7.3; the contract profile does the same): remove_memory() on every added
    // range, never offlining; a range with an online block stays until reboot, and then so does the data.
    private async ValueTask<bool> RemoveV7(DevDax dev, KmemData data)
    {
        bool stuck = false;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (data.Res[i] is null || AlignedRange(dev, i) is not { } r)
            {
                continue;
            }

            if (await kernel.Hotplug.RemoveMemory(r.Start, r.End - r.Start + 1) != Errno.None)
            {
                DevWarn(dev, $"mapping{i}: {Hex(r.Start)}-{Hex(r.End)} stuck online until reboot");
                stuck = true;
                continue;
            }

            ReleaseRange(data, i);
        }

        if (stuck)
        {
            DevErr(dev, "Hotplug regions stuck online until reboot");
            AnyHotremoveFailed = true;
            return false;
        }

        await FreeData(data);
        return true;
    }
}
