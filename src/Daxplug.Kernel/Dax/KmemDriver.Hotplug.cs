using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Dax;

/// <summary>
/// The "hotplug" profile: the cover letter's contract. One attribute, every transition atomic across all ranges
/// under one device_hotplug_lock and rolled back on any failure; its state is read from the blocks themselves.
/// </summary>
public sealed partial class KmemDriver
{
    private static readonly string[] ContractNames = ["unplugged", "offline", "online", "online", "online_movable"];

    // What "hotplug" accepts (v3 patch 8 and the contract): note "unplug", while it reads back "unplugged".
    private static readonly (string Name, KmemState State)[] HotplugWrites =
        [("unplug", KmemState.Unplugged), ("online", KmemState.Online), ("online_movable", KmemState.OnlineMovable)];

    /// <summary>The attribute's file name in this kernel, or null when the profile has none.</summary>
    public string? AttributeName => Abi switch
    {
        AbiProfile.Hotplug or AbiProfile.HotplugV3 => "hotplug",
        AbiProfile.StateV7 => "state",
        _ => null,
    };

    /// <summary>The attribute's show(): its text, or null for -ENXIO.</summary>
    public string? AttributeShow(DevDax dev) => Abi switch
    {
        AbiProfile.HotplugV3 => HotplugShowV3(dev),
        AbiProfile.StateV7 => dev.Kmem is { } d ? StateShowV7(d) : null,
        _ => dev.Kmem is { } data ? ContractNames[(int)ContractState(dev, data) + 1] + "\n" : null,
    };

    /// <summary>The attribute's store().</summary>
    public async ValueTask<Errno> AttributeStore(DevDax dev, string buf) => Abi switch
    {
        AbiProfile.HotplugV3 => await HotplugStoreV3(dev, buf),
        AbiProfile.StateV7 => await StateStoreV7(dev, buf),
        _ => await HotplugStoreContract(dev, buf),
    };

    // The contract's state, from the blocks: unplugged (no memory), offline (some block offline), else the
    // type it was onlined with (or, after per-block onlining, movable if every block is).
    private KmemState ContractState(DevDax dev, KmemData data)
    {
        if (!data.Added.Any(a => a))
        {
            return KmemState.Unplugged;
        }

        var blocks = Blocks(dev, data).ToList();
        if (blocks.Any(b => b.State != MemoryBlockState.Online))
        {
            return KmemState.Offline;
        }

        if (data.State is KmemState.Online or KmemState.OnlineMovable)
        {
            return data.State;
        }

        return blocks.All(b => b.Zone?.Type == ZoneType.Movable) ? KmemState.OnlineMovable : KmemState.Online;
    }

    // The contract's hotplug_store(): "unplug", "online", "online_movable"; same state is a no-op; switching
    // between the online types needs an unplug first (EBUSY).
    private async ValueTask<Errno> HotplugStoreContract(DevDax dev, string buf)
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
        var current = ContractState(dev, data);
        if (req == current)
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

        var rc = current switch
        {
            KmemState.Unplugged => await PlugAtomic(dev, data, (OnlineType)req),
            KmemState.Offline => await OnlineAtomic(dev, data, (OnlineType)req),
            _ => Errno.EBUSY,
        };
        if (rc == Errno.None)
        {
            data.State = req;
        }

        return rc;
    }

    private static KmemState? ParseHotplugWrite(string buf)
    {
        foreach (var (name, state) in HotplugWrites)
        {
            if (SysfsText.Streq(buf, name))
            {
                return state;
            }
        }

        return null;
    }

    // Reserve and add every range (offline), then online every block; any failure undoes all of it.
    private async ValueTask<Errno> PlugAtomic(DevDax dev, KmemData data, OnlineType type)
    {
        await using var _ = await kernel.DeviceHotplugLock.Hold();
        var rc = Errno.None;
        for (int i = 0; i < dev.Ranges.Count && rc == Errno.None; i++)
        {
            if (AlignedRange(dev, i) is not { } r)
            {
                continue;
            }

            await kernel.Scheduler.Point("hotplug: add range");
            if (data.Res[i] is null && RequestRange(dev, data, i) is null)
            {
                rc = Errno.EBUSY;
                break;
            }

            rc = await kernel.Hotplug.AddMemoryDriverManagedLocked(data.Mgid, r.Start, r.End - r.Start + 1, ResourceName, MhpFlagsOf(dev), OnlineType.Offline);
            data.Added[i] = rc == Errno.None;
        }

        if (rc == Errno.None)
        {
            rc = await OnlineBlocksLocked(dev, data, type);
        }

        if (rc != Errno.None)
        {
            for (int i = 0; i < dev.Ranges.Count; i++)
            {
                if (data.Added[i] && AlignedRange(dev, i) is { } r)
                {
                    await kernel.Hotplug.RemoveMemoryLocked(r.Start, r.End - r.Start + 1);
                }

                ReleaseRange(data, i);
            }
        }

        return rc;
    }

    // Online every offline block of the device; any failure re-offlines what this call onlined.
    private async ValueTask<Errno> OnlineAtomic(DevDax dev, KmemData data, OnlineType type)
    {
        await using var _ = await kernel.DeviceHotplugLock.Hold();
        return await OnlineBlocksLocked(dev, data, type);
    }

    private async ValueTask<Errno> OnlineBlocksLocked(DevDax dev, KmemData data, OnlineType type)
    {
        var onlined = new List<MemoryBlock>();
        foreach (var mem in Blocks(dev, data).Where(b => b.State == MemoryBlockState.Offline).ToList())
        {
            await kernel.Scheduler.Point("hotplug: online block");
            mem.OnlineType = type;
            int ret = await kernel.Hotplug.DeviceOnline(mem);
            if (ret < 0)
            {
                foreach (var m in onlined)
                {
                    await kernel.Hotplug.DeviceOffline(m);
                }

                return (Errno)(-ret);
            }

            onlined.Add(mem);
        }

        return Errno.None;
    }
}
