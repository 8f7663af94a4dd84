using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Dax;

/// <summary>
/// hotplug-v3: the series' v3 of 2026-03-21 as posted (docs/kernel-abi.md §2.6, §6), defects included: per-range
/// unplug under per-range locks, partial unplug reported as success, re-online without re-reserving the
/// resources, unbind that warns and leaks whenever the recorded state is online.
/// </summary>
public sealed partial class KmemDriver
{
    private static readonly string[] V3Names = ["unplugged", "offline", "online", "unknown", "online_movable"];

    // v3 probe: reserve the resources, then hot-add with the online type captured when the device was created.
    // Reading of the code for docs/kernel-abi.md §2.6 (Q2): with t == MMOP_OFFLINE and an offline system default, do_hotplug()
    // rejects MMOP_OFFLINE with -EINVAL, so the probe fails (the v4 changelog's "unplugged device" is not what
    // the v3 code does). With t == MMOP_OFFLINE but a default that has changed since, the device probes unplugged.
    private async ValueTask<Errno> ProbeV3(DevDax dev, KmemData data)
    {
        var rc = InitResourcesV3(dev, data);
        if (rc != Errno.None)
        {
            return rc;
        }

        var t = dev.CreatedOnlineType;
        if (t != OnlineType.Offline || t == kernel.Params.AutoOnlineBlocks)
        {
            int added = await DoHotplugV3(dev, data, t);
            if (added < 0)
            {
                for (int i = 0; i < data.Res.Length; i++)
                {
                    ReleaseRange(data, i);
                }

                return (Errno)(-added);
            }

            data.State = (KmemState)t;
        }
        else
        {
            data.State = KmemState.Unplugged;
        }

        return Errno.None;
    }

    // Models dax_kmem_init_resources() (v3 patch 7): the first failure is EBUSY, later ones are skipped.
    private Errno InitResourcesV3(DevDax dev, KmemData data)
    {
        int reserved = 0;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (AlignedRange(dev, i) is null)
            {
                continue;
            }

            if (RequestRange(dev, data, i) is null)
            {
                if (reserved == 0)
                {
                    return Errno.EBUSY;
                }

                continue;
            }

            reserved++;
        }

        return Errno.None;
    }

    // Models dax_kmem_do_hotplug() (v3): only online/online_movable and only when not online; every aligned range
    // is added whether or not its resource is still held; the first range's failure is returned, later ones are
    // skipped. Returns the number of ranges added, or -errno.
    private async ValueTask<int> DoHotplugV3(DevDax dev, KmemData data, OnlineType type)
    {
        if (data.State is KmemState.Online or KmemState.OnlineMovable || type is not (OnlineType.Online or OnlineType.OnlineMovable))
        {
            return -(int)Errno.EINVAL;
        }

        int added = 0;
        bool first = true;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (AlignedRange(dev, i) is not { } r)
            {
                continue;
            }

            await kernel.Scheduler.Point("dax_kmem_do_hotplug: next range");
            var rc = await kernel.Hotplug.AddMemoryDriverManaged(data.Mgid, r.Start, r.End - r.Start + 1, ResourceName, MhpFlagsOf(dev), type);
            if (rc != Errno.None)
            {
                if (first)
                {
                    return -(int)rc;
                }

                DevWarn(dev, $"mapping{i}: {Hex(r.Start)}-{Hex(r.End)} memory add failed");
                continue;
            }

            data.Added[i] = true;
            added++;
            first = false;
        }

        return added;
    }

    // Models hotplug_show() (v3): no lock; -ENXIO without drvdata; ONLINE_KERNEL reads "unknown".
    private string? HotplugShowV3(DevDax dev) => dev.Kmem is { } data ? V3Names[(int)data.State + 1] + "\n" : null;

    // Models hotplug_store() (v3).
    private async ValueTask<Errno> HotplugStoreV3(DevDax dev, string buf)
    {
        if (ParseHotplugWrite(buf) is not { } req)
        {
            return Errno.EINVAL;
        }

        if (dev.Kmem is not { } data)
        {
            return Errno.ENXIO;
        }

        await using var _ = await data.Lock.Hold();
        if (req == data.State)
        {
            return Errno.None;
        }

        if (req == KmemState.Unplugged)
        {
            await HotremoveV3(dev, data);
            return Errno.None;
        }

        if (data.State is KmemState.Online or KmemState.OnlineMovable)
        {
            return Errno.EBUSY;
        }

        int added = await DoHotplugV3(dev, data, (OnlineType)req);
        if (added < 0)
        {
            return (Errno)(-added);
        }

        data.State = req;
        return Errno.None;
    }

    // Models dax_kmem_do_hotremove() (v3): offline_and_remove_memory() per range that still has its resource,
    // each under its own device_hotplug_lock; fewer successes than ranges warn and keep the state, and the write
    // still succeeds.
    private async ValueTask HotremoveV3(DevDax dev, KmemData data)
    {
        int success = 0;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (data.Res[i] is null || AlignedRange(dev, i) is not { } r)
            {
                continue;
            }

            await kernel.Scheduler.Point("dax_kmem_do_hotremove: next range");
            var rc = await kernel.Hotplug.OfflineAndRemoveMemory(r.Start, r.End - r.Start + 1);
            if (rc == Errno.None)
            {
                ReleaseRange(data, i);
                success++;
                continue;
            }

            AnyHotremoveFailed = true;
            DevErr(dev, $"mapping{i}: {Hex(r.Start)}-{Hex(r.End)} hotremove failed: {-(int)rc}");
        }

        if (success < dev.Ranges.Count)
        {
            DevWarn(dev, $"partial hotremove: {success} of {dev.Ranges.Count}");
            return;
        }

        data.State = KmemState.Unplugged;
    }

    // Models dev_dax_kmem_remove() (v3): a recorded state other than unplugged/offline warns and leaks everything,
    // whatever the blocks really are; otherwise the resources are released.
    private async ValueTask<bool> RemoveV3(DevDax dev, KmemData data)
    {
        if (data.State is not (KmemState.Unplugged or KmemState.Offline))
        {
            kernel.Log.Warn("Hotplug memory regions stuck online until reboot");
            kernel.Log.Warn("WARNING: drivers/dax/kmem.c at dev_dax_kmem_remove [kmem]");
            AnyHotremoveFailed = true;
            return false;
        }

        for (int i = 0; i < data.Res.Length; i++)
        {
            if (data.Res[i] is { } res)
            {
                kernel.Iomem.Release(res);
                data.Res[i] = null;
            }
        }

        // v3 calls clear_node_memory_type() after kfree(data) (a use-after-free); the model just clears it.
        await FreeData(data);
        return !data.Added.Any(a => a);
    }
}
