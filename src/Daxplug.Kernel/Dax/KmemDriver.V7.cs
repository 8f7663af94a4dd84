using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Dax;

/// <summary>
/// state-v7: the converged v7 of 2026-07-12: the "state" attribute with online_kernel, the type resolved at
/// probe, blocks always created, offline_and_remove_memory_ranges() under one lock, resources re-acquired on
/// re-online, and an unbind that tries remove_memory() on every added range.
/// </summary>
public sealed partial class KmemDriver
{
    private static readonly string[] V7Names = ["unplugged", "offline", "online", "online_kernel", "online_movable"];

    // v7 probe: the system default online type, resolved now; blocks are created even when it is "offline".
    private async ValueTask<Errno> ProbeV7(DevDax dev, KmemData data)
    {
        var type = kernel.Params.AutoOnlineBlocks;
        var rc = await DoHotplugV7(dev, data, type);
        if (rc != Errno.None)
        {
            return rc;
        }

        data.State = (KmemState)type;
        return Errno.None;
    }

    // Models dax_kmem_do_hotplug() (v7): re-acquire missing resources, then add every reserved range with the
    // given type; the first failure undoes what this call reserved and is returned, later ones are skipped.
    private async ValueTask<Errno> DoHotplugV7(DevDax dev, KmemData data, OnlineType type)
    {
        var acquired = new List<int>();
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (AlignedRange(dev, i) is null || data.Res[i] is not null)
            {
                continue;
            }

            if (RequestRange(dev, data, i) is null)
            {
                if (acquired.Count == 0 && !data.Res.Any(r => r is not null))
                {
                    return Errno.EBUSY;
                }

                continue;
            }

            acquired.Add(i);
        }

        bool first = true;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (data.Res[i] is null || AlignedRange(dev, i) is not { } r)
            {
                continue;
            }

            await kernel.Scheduler.Point("dax_kmem_do_hotplug: next range");
            var rc = await kernel.Hotplug.AddMemoryDriverManaged(data.Mgid, r.Start, r.End - r.Start + 1, ResourceName, MhpFlagsOf(dev), type);
            if (rc != Errno.None)
            {
                if (first)
                {
                    acquired.ForEach(a => ReleaseRange(data, a));
                    return rc;
                }

                DevWarn(dev, $"mapping{i}: {Hex(r.Start)}-{Hex(r.End)} memory add failed");
                continue;
            }

            data.Added[i] = true;
            first = false;
        }

        return Errno.None;
    }

    private string StateShowV7(KmemData data) => V7Names[(int)data.State + 1] + "\n";

    // Models state_store() (v7): unplugged/online/online_kernel/online_movable ("offline" is EINVAL); onlining only
    // from unplugged.
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
            return await HotremoveAtomic(dev, data);
        }

        if (data.State != KmemState.Unplugged)
        {
            return Errno.EBUSY;
        }

        var rc = await DoHotplugV7(dev, data, (OnlineType)req);
        if (rc == Errno.None)
        {
            data.State = req;
        }

        return rc;
    }

    // Models dax_kmem_do_hotremove() (v7) via offline_and_remove_memory_ranges(): all ranges or nothing.
    private async ValueTask<Errno> HotremoveAtomic(DevDax dev, KmemData data)
    {
        var added = Enumerable.Range(0, dev.Ranges.Count).Where(i => data.Added[i] && AlignedRange(dev, i) is not null).ToList();
        var ranges = added.Select(i => AlignedRange(dev, i)!.Value).Select(r => (r.Start, r.End - r.Start + 1)).ToList();
        var rc = await kernel.Hotplug.OfflineAndRemoveMemoryRanges(ranges);
        if (rc != Errno.None)
        {
            return rc;
        }

        for (int i = 0; i < data.Res.Length; i++)
        {
            ReleaseRange(data, i);
        }

        data.State = KmemState.Unplugged;
        return Errno.None;
    }

    // Models dev_dax_kmem_remove() (v7; the contract profile does the same): remove_memory() on every added range,
    // never offlining; an online block leaks that range with an error, no WARN.
    private async ValueTask<bool> RemoveV7(DevDax dev, KmemData data)
    {
        int success = 0, ranges = 0;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (AlignedRange(dev, i) is not { } r)
            {
                continue;
            }

            ranges++;
            if (!data.Added[i])
            {
                ReleaseRange(data, i);
                success++;
                continue;
            }

            success += await RemoveRangeOrLeak(dev, data, i, r) ? 1 : 0;
        }

        if (success < ranges)
        {
            return false;
        }

        await FreeData(data);
        return true;
    }
}
