using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Resource;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Dax;

/// <summary>
/// drivers/dax/kmem.c: probe hot-adds a device's ranges as System RAM, remove hot-removes them. What differs by
/// ABI profile (the series' attribute, when the online type is decided, how unbind removes) is in partials.
/// </summary>
public sealed partial class KmemDriver(KernelModel kernel)
{
    /// <summary>"System RAM (kmem)", the name of every hot-added resource.</summary>
    public const string ResourceName = "System RAM (kmem)";

    private readonly List<MemoryType> kmemMemoryTypes = [];

    /// <summary>any_hotremove_failed: some remove leaked memory until reboot.</summary>
    public bool AnyHotremoveFailed { get; private set; }

    /// <summary>Data of devices whose memory could not be removed at unbind (leaked until reboot).</summary>
    public List<KmemData> Leaked { get; } = [];

    private AbiProfile Abi => kernel.Abi;

    // Models dev_dax_kmem_probe() up to the per-range loop, then hands over to the profile.
    internal async ValueTask<Errno> Probe(DevDax dev)
    {
        int node = dev.Region.TargetNode;
        if (node < 0)
        {
            DevWarn(dev, $"rejecting DAX region with invalid node: {node}");
            return Errno.EINVAL;
        }

        // Models mt_calc_adistance(): the firmware's value for the node, else kmem's default.
        int adist = kernel.NodeAdistance(node) ?? MemoryTiers.AdistanceDaxDefault;
        // The series' patch 1 shares one type per adistance (mt_get_memory_type); releases and v4+ keep kmem's list.
        var mtype = Abi is AbiProfile.Hotplug or AbiProfile.HotplugV3
            ? await kernel.Tiers.MtGetMemoryType(adist)
            : MemoryTiers.MtFindAllocMemoryType(adist, kmemMemoryTypes);

        ulong total = 0;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (AlignedRange(dev, i) is { } r)
            {
                total += r.End - r.Start + 1;
            }
            else
            {
                DevInfo(dev, $"mapping{i}: {Hex(dev.Ranges[i].Start)}-{Hex(dev.Ranges[i].End)} too small after alignment");
            }
        }

        if (total == 0)
        {
            DevWarn(dev, "rejecting DAX region without any memory after alignment");
            return Errno.EINVAL;
        }

        await kernel.Tiers.InitNodeMemoryType(node, mtype);
        int mgid = kernel.Hotplug.MemoryGroupRegister(node, isDynamic: false, (total + KernelModel.PageSize - 1) / KernelModel.PageSize);
        if (mgid < 0)
        {
            await kernel.Tiers.ClearNodeMemoryType(node, mtype);
            return (Errno)(-mgid);
        }

        var data = new KmemData(dev, mgid, mtype, node, () => kernel.Scheduler);
        var rc = Abi switch
        {
            AbiProfile.HotplugV3 => await ProbeV3(dev, data),
            AbiProfile.StateV7 => await ProbeV7(dev, data),
            _ => await ProbeNoAttribute(dev, data),
        };
        if (rc != Errno.None)
        {
            kernel.Hotplug.MemoryGroupUnregister(mgid);
            await kernel.Tiers.ClearNodeMemoryType(node, mtype);
            return rc;
        }

        dev.Kmem = data;
        return Errno.None;
    }

    // Models dev_dax_kmem_remove() per profile; unbind always completes.
    internal async ValueTask Remove(DevDax dev)
    {
        var data = dev.Kmem;
        dev.Kmem = null;
        if (data is null)
        {
            return;
        }

        bool freed = Abi switch
        {
            AbiProfile.NoAttribute => await RemoveNoAttribute(dev, data),
            AbiProfile.HotplugV3 => await RemoveV3(dev, data),
            _ => await RemoveV7(dev, data),
        };
        if (!freed)
        {
            Leaked.Add(data);
        }
    }

    // Models the per-range loop of dev_dax_kmem_probe() before 7.3: reserve, mark System RAM, add; a failure
    // before anything was mapped fails the probe, later ones are skipped.
    private async ValueTask<Errno> ProbeNoAttribute(DevDax dev, KmemData data)
    {
        int mapped = 0;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (AlignedRange(dev, i) is not { } r)
            {
                continue;
            }

            if (RequestRange(dev, data, i) is not { } res)
            {
                if (mapped > 0)
                {
                    continue;
                }

                return Errno.EBUSY;
            }

            var rc = await kernel.Hotplug.AddMemoryDriverManaged(data.Mgid, r.Start, r.End - r.Start + 1, ResourceName, MhpFlagsOf(dev));
            if (rc != Errno.None)
            {
                DevWarn(dev, $"mapping{i}: {Hex(r.Start)}-{Hex(r.End)} memory add failed");
                kernel.Iomem.Release(res);
                data.Res[i] = null;
                if (mapped > 0)
                {
                    continue;
                }

                return rc;
            }

            data.Added[i] = true;
            mapped++;
        }

        // The contract profile reads its state from the blocks; releases before 7.3 have none.
        data.State = (KmemState)kernel.Params.AutoOnlineBlocks;
        return Errno.None;
    }

    // Models dev_dax_kmem_remove() before 7.3: remove_memory() per range, never offlining; an online block leaks
    // the range until reboot. Returns whether the data was freed.
    private async ValueTask<bool> RemoveNoAttribute(DevDax dev, KmemData data)
    {
        int success = 0;
        for (int i = 0; i < dev.Ranges.Count; i++)
        {
            if (AlignedRange(dev, i) is not { } r)
            {
                continue;
            }

            if (data.Res[i] is null)
            {
                success++;
                continue;
            }

            success += await RemoveRangeOrLeak(dev, data, i, r) ? 1 : 0;
        }

        if (success < dev.Ranges.Count)
        {
            return false;
        }

        await FreeData(data);
        return true;
    }

    // One range of dev_dax_kmem_remove(): remove_memory(), which fails with EBUSY if any block is online; then
    // the range stays, with its resource, until reboot.
    private async ValueTask<bool> RemoveRangeOrLeak(DevDax dev, KmemData data, int i, (ulong Start, ulong End) r)
    {
        if (await kernel.Hotplug.RemoveMemory(r.Start, r.End - r.Start + 1) == Errno.None)
        {
            ReleaseRange(data, i);
            return true;
        }

        AnyHotremoveFailed = true;
        DevErr(dev, $"mapping{i}: {Hex(r.Start)}-{Hex(r.End)} cannot be hotremoved until the next reboot");
        return false;
    }

    // Models dax_kmem_range() / the series' memory_block_align_range(): the range trimmed to whole blocks.
    public (ulong Start, ulong End)? AlignedRange(DevDax dev, int i)
    {
        ulong bs = kernel.BlockSizeBytes;
        var range = dev.Ranges[i];
        ulong start = (range.Start + bs - 1) / bs * bs;
        ulong end = unchecked(((range.End + 1) / bs * bs) - 1);
        return start >= end ? null : (start, end);
    }

    /// <summary>The memory blocks of the ranges whose memory is added.</summary>
    public IEnumerable<MemoryBlock> Blocks(DevDax dev, KmemData data) =>
        Enumerable.Range(0, dev.Ranges.Count)
            .Where(i => data.Added[i] && AlignedRange(dev, i) is not null)
            .SelectMany(i => AlignedRange(dev, i) is { } r ? kernel.Hotplug.BlocksOf(r.Start, r.End - r.Start + 1) : []);

    // Models request_mem_region(range, "daxX.Y") with the flags kmem then sets: System RAM, not busy, so that
    // add_memory_driver_managed() can nest "System RAM (kmem)" inside.
    private IoResource? RequestRange(DevDax dev, KmemData data, int i)
    {
        var r = AlignedRange(dev, i)!.Value;
        var res = kernel.Iomem.RequestRegion(r.Start, r.End - r.Start + 1, data.ResName, ResourceFlags.Mem);
        if (res is null)
        {
            DevWarn(dev, $"mapping{i}: {Hex(r.Start)}-{Hex(r.End)} could not reserve region");
            return null;
        }

        res.Flags = ResourceFlags.SystemRam;
        data.Res[i] = res;
        return res;
    }

    private void ReleaseRange(KmemData data, int i)
    {
        if (data.Res[i] is { } res)
        {
            kernel.Iomem.Release(res);
            data.Res[i] = null;
        }

        data.Added[i] = false;
    }

    // Models the tail of a successful remove: memory_group_unregister() and clear_node_memory_type(node, NULL).
    private async ValueTask FreeData(KmemData data)
    {
        kernel.Hotplug.MemoryGroupUnregister(data.Mgid);
        await kernel.Tiers.ClearNodeMemoryType(data.Node, null);
    }

    private MhpFlags MhpFlagsOf(DevDax dev) => MhpFlags.NidIsMgid | (dev.MemmapOnMemory ? MhpFlags.MemmapOnMemory : MhpFlags.None);

    private static string Hex(ulong v) => KernelFormat.HexPrefixed(v);

    private void DevWarn(DevDax dev, string text) => kernel.Log.Warn($"kmem {dev.Name}: {text}");

    private void DevErr(DevDax dev, string text) => kernel.Log.Err($"kmem {dev.Name}: {text}");

    private void DevInfo(DevDax dev, string text) => kernel.Log.Info($"kmem {dev.Name}: {text}");
}
