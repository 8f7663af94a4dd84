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
    public Errno AttributeStore(DevDax dev, string buf) => Abi switch
    {
        AbiProfile.HotplugV3 => HotplugStoreV3(dev, buf),
        AbiProfile.StateV7 => StateStoreV7(dev, buf),
        _ => HotplugStoreContract(dev, buf),
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
    private Errno HotplugStoreContract(DevDax dev, string buf)
    {
        if (ParseHotplugWrite(buf) is not { } req)
        {
            return Errno.EINVAL;
        }

        if (dev.Kmem is not { } data)
        {
            return Errno.ENXIO;
        }

        using var _ = data.Lock.Hold();
        var current = ContractState(dev, data);
        if (req == current)
        {
            return Errno.None;
        }

        if (req == KmemState.Unplugged)
        {
            return HotremoveAtomic(dev, data);
        }

        var rc = current switch
        {
            KmemState.Unplugged => PlugAtomic(dev, data, (OnlineType)req),
            KmemState.Offline => OnlineAtomic(dev, data, (OnlineType)req),
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
    private Errno PlugAtomic(DevDax dev, KmemData data, OnlineType type)
    {
        using var _ = kernel.DeviceHotplugLock.Hold();
        var rc = Errno.None;
        for (int i = 0; i < dev.Ranges.Count && rc == Errno.None; i++)
        {
            if (AlignedRange(dev, i) is not { } r)
            {
                continue;
            }

            kernel.Scheduler.Point("hotplug: add range");
            if (data.Res[i] is null && RequestRange(dev, data, i) is null)
            {
                rc = Errno.EBUSY;
                break;
            }

            rc = kernel.Hotplug.AddMemoryDriverManagedLocked(data.Mgid, r.Start, r.End - r.Start + 1, ResourceName, MhpFlagsOf(dev), OnlineType.Offline);
            data.Added[i] = rc == Errno.None;
        }

        if (rc == Errno.None)
        {
            rc = OnlineBlocksLocked(dev, data, type);
        }

        if (rc != Errno.None)
        {
            for (int i = 0; i < dev.Ranges.Count; i++)
            {
                if (data.Added[i] && AlignedRange(dev, i) is { } r)
                {
                    kernel.Hotplug.RemoveMemoryLocked(r.Start, r.End - r.Start + 1);
                }

                ReleaseRange(data, i);
            }
        }

        return rc;
    }

    // Online every offline block of the device; any failure re-offlines what this call onlined.
    private Errno OnlineAtomic(DevDax dev, KmemData data, OnlineType type)
    {
        using var _ = kernel.DeviceHotplugLock.Hold();
        return OnlineBlocksLocked(dev, data, type);
    }

    private Errno OnlineBlocksLocked(DevDax dev, KmemData data, OnlineType type)
    {
        var onlined = new List<MemoryBlock>();
        foreach (var mem in Blocks(dev, data).Where(b => b.State == MemoryBlockState.Offline).ToList())
        {
            kernel.Scheduler.Point("hotplug: online block");
            mem.OnlineType = type;
            int ret = kernel.Hotplug.DeviceOnline(mem);
            if (ret < 0)
            {
                onlined.ForEach(m => kernel.Hotplug.DeviceOffline(m));
                return (Errno)(-ret);
            }

            onlined.Add(mem);
        }

        return Errno.None;
    }
}
