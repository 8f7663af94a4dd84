using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Log;
using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Resource;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Machines;

/// <summary>Boots a <see cref="KernelModel"/> from a <see cref="MachineSpec"/>: the state right after init.</summary>
public static partial class MachineBuilder
{
    /// <summary>
    /// Builds the model, with the attribute of the machine's release as it shipped unless <paramref name="abi"/>
    /// names a revision; throws <see cref="FormatException"/> for an invalid description.
    /// </summary>
    public static KernelModel Build(MachineSpec spec, AbiProfile? abi = null)
    {
        ulong bs = Validate(spec);
        var nodes = spec.Nodes.Select(n => new NumaNode(n.Id, KernelFormat.ParseList(n.Cpus) ?? throw new FormatException($"bad cpu list '{n.Cpus}'"))).ToList();
        var adist = spec.Nodes.ToDictionary(n => n.Id, n => n.Adistance);
        var kernel = new KernelModel(bs, nodes, nid => adist.GetValueOrDefault(nid), spec) { Abi = abi ?? KernelChoice.Of(KernelRelease.Parse(spec.Kernel)).Abi };
        ApplyParams(kernel, spec);
        foreach (var n in spec.Nodes)
        {
            for (int i = 0; n.Distances is not null && i < n.Distances.Count; i++)
            {
                kernel.Distances[(n.Id, i)] = n.Distances[i];
            }
        }

        // start_kernel(): the banner is the log's first record (pr_notice("%s", linux_banner)).
        kernel.Log.Print(LogLevel.Notice, $"Linux version {kernel.Release} (daxplug's model of the kernel, machine {spec.Name}, {kernel.Choice.Name})");
        var ram = spec.Nodes.ToDictionary(n => n.Id, n => PageRanges(n.Memory));
        foreach (var n in spec.Nodes)
        {
            BootZones(kernel.Node(n.Id)!, n, ram[n.Id]);
        }

        BootBlocks(kernel, ram);
        foreach (var (start, end) in spec.Unmovable.Select(Addresses.ParseRange).Concat(spec.MovableNode ? [] : EarlyAllocations(ram)))
        {
            foreach (var block in kernel.Hotplug.BlocksOf(start, end - start + 1))
            {
                block.Faults.Unmovable = true;
            }
        }

        DumpedBlocks(kernel, spec);
        BootNodeStates(kernel, ram);
        BootUnaccounted(kernel);
        // init_per_zone_wmark_min() is a postcore initcall: before kmem adds any memory.
        kernel.Watermarks.InitPerZoneWmarkMin();
        BootIomem(kernel, spec, ram);
        BootTiers(kernel).Sync();
        BootDax(kernel, spec);
        return kernel;
    }

    // The block size, once the description is known to be one a kernel could boot with.
    private static ulong Validate(MachineSpec spec)
    {
        ulong bs = Addresses.Parse(spec.BlockSize);
        if (spec.Nodes.Count == 0 || spec.Nodes.Select(n => n.Id).Distinct().Count() != spec.Nodes.Count || spec.Nodes.Any(n => n.Id is < 0 or > 1023))
        {
            throw new FormatException("a machine needs nodes with distinct ids in 0..1023");
        }

        if (bs == 0 || (bs & (bs - 1)) != 0 || bs < (1UL << 20))
        {
            throw new FormatException($"block size {spec.BlockSize} is not a power of two ≥ 1 MiB");
        }

        return bs;
    }

    // Each node's present pages that no online memory block holds (holes, memmap before the first block).
    private static void BootUnaccounted(KernelModel kernel)
    {
        var blockPages = new Dictionary<int, ulong>();
        foreach (var b in kernel.Blocks.All().Where(b => b.SectionsOnline))
        {
            blockPages[b.Nid] = blockPages.GetValueOrDefault(b.Nid) + b.PresentPages;
        }

        foreach (var node in kernel.PossibleNodes)
        {
            node.BootUnaccountedPages = node.PresentPages - blockPages.GetValueOrDefault(node.Id);
        }
    }

    // Models memory_tier_late_init(): every N_MEMORY node without a type gets a tier.
    private static async ValueTask BootTiers(KernelModel kernel)
    {
        await using var _ = await kernel.Tiers.Lock.Hold();
        foreach (var nid in kernel.NodeStates.Nodes(NodeState.Memory))
        {
            if (kernel.Tiers.NodeType(nid) is null)
            {
                kernel.Tiers.SetNodeMemoryTier(nid);
            }
        }
    }

    // The dax regions and devices as platform drivers (hmem, pmem) create them once device_dax, kmem and
    // dax_hmem are loaded: the region, its devices, and autoprobe (or the binding the machine asks for).
    private static void BootDax(KernelModel kernel, MachineSpec spec)
    {
        var bus = kernel.Dax;
        foreach (var r in spec.DaxRegions)
        {
            bool pmem = r.Kind switch
            {
                "hmem" or "cxl" => false,
                "pmem" => true,
                _ => throw new FormatException($"dax region {r.Id}: kind must be hmem, cxl or pmem"),
            };
            var (start, end) = Addresses.ParseRange(r.Range);
            if (kernel.Node(r.TargetNode) is null)
            {
                throw new FormatException($"dax region {r.Id}: target node {r.TargetNode} is not a possible node");
            }

            string resName = pmem ? "Persistent Memory" : "Soft Reserved";
            var tree = pmem ? kernel.Iomem : kernel.SoftReservedTree;
            var res = tree.All().FirstOrDefault(x => x.Start <= start && x.End >= end && x.Name == resName);
            if (res is null)
            {
                res = tree.Insert(tree.Root, new IoResource(resName, start, end, ResourceFlags.Mem))
                      ?? throw new FormatException($"dax region {r.Id}: {r.Range} overlaps other iomem");
            }

            // Before 6.3 the hmem platform device carried the range as its resource (hmem_register_device), and
            // platform_device_add() inserted it above "Soft Reserved".
            if (!pmem && !kernel.Release.AtLeast(6, 3) && res.Start == start && res.End == end)
            {
                kernel.Iomem.InsertAbove(res, new IoResource($"hmem.{r.Id}", start, end, ResourceFlags.Mem));
            }

            // From 7.1 ("dax/hmem: Parent dax_hmem devices", __hmem_register_device()) hmem.N is a child of the
            // hmem_platform.0 device that found it.
            string parent = pmem ? $"devices/platform/pmem.{r.Id}"
                : kernel.Release.AtLeast(7, 1) ? $"devices/platform/hmem_platform.0/hmem.{r.Id}" : $"devices/platform/hmem.{r.Id}";
            var region = bus.AllocDaxRegion(r.Id, parent, start, end, (uint)Addresses.Parse(r.Align), r.TargetNode, pmem, !pmem);
            region.NumaNode = NearestOnlineNode(kernel, r.TargetNode);
            foreach (var d in r.Devices ?? [new DaxDeviceSpec { Id = 0, Ranges = [r.Range] }])
            {
                BootDevDax(bus, region, d);
            }
        }
    }

    // A device of a region, and the driver the machine asks for: autoprobe, kmem or device_dax (bound, or its id
    // added so that it binds when probed), or none.
    private static void BootDevDax(Dax.DaxBus bus, Dax.DaxRegion region, DaxDeviceSpec d)
    {
        var ranges = d.Ranges.Select(Addresses.ParseRange).Select(x => (x.Start, x.End - x.Start + 1)).ToList();
        bool autoprobe = bus.DriversAutoprobe;
        bus.DriversAutoprobe = d.Driver == "auto";
        var dev = bus.CreateDevDax(region, d.Id, ranges).Sync();
        bus.DriversAutoprobe = autoprobe;
        if (d.Driver is "kmem" or "device_dax")
        {
            var drv = bus.DriverByName(d.Driver)!;
            if (!bus.Match(drv, dev).Sync())
            {
                bus.IdStore(drv, dev.Name, add: true).Sync();
            }
            else
            {
                bus.DeviceDriverAttach(drv, dev).Sync();
            }
        }
        else if (d.Driver is not ("auto" or "none"))
        {
            throw new FormatException($"{dev.Name}: driver must be auto, kmem, device_dax or none");
        }
    }

    // Models numa_map_to_online_node(): the node itself if online, else the nearest online node.
    private static int NearestOnlineNode(KernelModel kernel, int nid)
    {
        var online = kernel.NodeStates.Nodes(NodeState.Online);
        return online.Contains(nid) || online.Length == 0 ? nid : online.OrderBy(n => kernel.Distance(nid, n)).ThenBy(n => n).First();
    }

    private static void ApplyParams(KernelModel kernel, MachineSpec spec)
    {
        var p = kernel.Params;
        p.AutoOnlineBlocks = OnlineTypes.FromStr(spec.AutoOnlineBlocks) ?? throw new FormatException($"bad autoOnlineBlocks '{spec.AutoOnlineBlocks}'");
        int policy = SysfsText.MatchString(HotplugParams.OnlinePolicyNames, spec.OnlinePolicy);
        p.OnlinePolicy = policy >= 0 ? (OnlinePolicy)policy : throw new FormatException($"bad onlinePolicy '{spec.OnlinePolicy}'");
        p.AutoMovableRatio = spec.AutoMovableRatio;
        p.AutoMovableNumaAware = spec.AutoMovableNumaAware;
        p.MovableNode = spec.MovableNode;
        p.MemmapOnMemory = spec.MemmapOnMemory is "N" or "Y" or "force" ? spec.MemmapOnMemory : throw new FormatException("memmapOnMemory is N, Y or force");
        p.DemotionEnabled = spec.DemotionEnabled;
        p.KernelZonePinning = spec.KernelZonePinning;
    }

    /// <summary>Whole pages [start, end) of each inclusive byte range, sorted.</summary>
    private static List<(ulong Start, ulong End)> PageRanges(IEnumerable<string> ranges) =>
        ranges.Select(Addresses.ParseRange)
              .Select(r => ((r.Start + KernelModel.PageSize - 1) / KernelModel.PageSize, (r.End + 1) / KernelModel.PageSize))
              .Where(r => r.Item2 > r.Item1)
              .OrderBy(r => r.Item1)
              .ToList();

    private static ulong Overlap(List<(ulong Start, ulong End)> ranges, ulong start, ulong end) =>
        ranges.Aggregate(0UL, (sum, r) => sum + (Math.Min(end, r.End) > Math.Max(start, r.Start) ? Math.Min(end, r.End) - Math.Max(start, r.Start) : 0));

    private static void BootIomem(KernelModel kernel, MachineSpec spec, Dictionary<int, List<(ulong Start, ulong End)>> ram)
    {
        if (spec.Iomem is { } list)
        {
            foreach (var res in list)
            {
                var tree = res.Name == "Soft Reserved" ? kernel.SoftReservedTree : kernel.Iomem;
                Insert(tree, tree.Root, res);
            }

            return;
        }

        foreach (var range in spec.Nodes.SelectMany(n => n.Memory).Select(Addresses.ParseRange).OrderBy(r => r.Start))
        {
            var res = new IoResource("System RAM", range.Start, range.End, ResourceFlags.SystemRam | ResourceFlags.Busy);
            _ = kernel.Iomem.Insert(kernel.Iomem.Root, res) ?? throw new FormatException($"overlapping RAM range {range}");
        }
    }

    private static void Insert(IomemTree tree, IoResource parent, ResourceSpec spec)
    {
        var (start, end) = Addresses.ParseRange(spec.Range);
        var flags = spec.Name.StartsWith("System RAM", StringComparison.Ordinal) ? ResourceFlags.SystemRam | ResourceFlags.Busy
            : spec.Name is "Soft Reserved" or "Reserved" || spec.Name.StartsWith("PCI Bus", StringComparison.Ordinal) ? ResourceFlags.Mem : ResourceFlags.Mem | ResourceFlags.Busy;
        var res = tree.Insert(parent, new IoResource(spec.Name, start, end, flags)) ?? throw new FormatException($"iomem conflict at {spec.Range} {spec.Name}");
        foreach (var child in spec.Children ?? [])
        {
            Insert(tree, res, child);
        }
    }
}
