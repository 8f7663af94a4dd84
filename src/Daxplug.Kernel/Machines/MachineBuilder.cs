using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Log;
using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Resource;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Machines;

/// <summary>Boots a <see cref="KernelModel"/> from a <see cref="MachineSpec"/>: the state right after init.</summary>
public static class MachineBuilder
{
    /// <summary>
    /// Builds the model, with the attribute of the machine's release as it shipped unless <paramref name="abi"/>
    /// names a revision; throws <see cref="FormatException"/> for an invalid description.
    /// </summary>
    public static KernelModel Build(MachineSpec spec, AbiProfile? abi = null)
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
        var blockPages = new Dictionary<int, ulong>();
        foreach (var b in kernel.Blocks.All().Where(b => b.SectionsOnline))
        {
            blockPages[b.Nid] = blockPages.GetValueOrDefault(b.Nid) + b.PresentPages;
        }

        foreach (var node in kernel.PossibleNodes)
        {
            node.BootUnaccountedPages = node.PresentPages - blockPages.GetValueOrDefault(node.Id);
        }

        // init_per_zone_wmark_min() is a postcore initcall: before kmem adds any memory.
        kernel.Watermarks.InitPerZoneWmarkMin();
        BootIomem(kernel, spec, ram);
        BootTiers(kernel).Sync();
        BootDax(kernel, spec);
        return kernel;
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
            var devices = r.Devices ?? [new DaxDeviceSpec { Id = 0, Ranges = [r.Range] }];
            foreach (var d in devices)
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

    // Models zone_spanned_pages_in_node()/zone_absent_pages_in_node() (mm/mm_init.c): the node's span clamped to
    // each zone's limits, and the RAM inside; or the exact zones the machine file gives.
    private static void BootZones(NumaNode node, NodeSpec spec, List<(ulong Start, ulong End)> ram)
    {
        if (spec.Zones is not null)
        {
            foreach (var z in spec.Zones)
            {
                var type = Enum.TryParse<ZoneType>(z.Zone, out var t) ? t : throw new FormatException($"bad zone '{z.Zone}'");
                var zone = node[type];
                zone.SetSpan(z.StartPfn, z.StartPfn + z.SpannedPages);
                zone.PresentPages = zone.PresentEarlyPages = z.PresentPages;
                zone.ManagedPages = z.ManagedPages ?? BootManaged(z.PresentPages);
            }

            return;
        }

        if (ram.Count == 0)
        {
            return;
        }

        ulong nodeStart = ram[0].Start, nodeEnd = ram.Max(r => r.End);
        foreach (var type in new[] { ZoneType.DMA, ZoneType.DMA32, ZoneType.Normal })
        {
            var (lo, hi) = ZoneTypes.Limits(type);
            ulong start = Math.Max(lo, nodeStart), end = Math.Min(hi, nodeEnd);
            if (end > start)
            {
                node[type].SetSpan(start, end);
                node[type].PresentPages = node[type].PresentEarlyPages = Overlap(ram, start, end);
                node[type].ManagedPages = BootManaged(node[type].PresentPages);
            }
        }
    }

    // memblock allocates top-down (memblock_find_in_range_node()): each node's memmap (sparse_init_nid(), 64 bytes
    // per page) and the early allocations made for it (page tables, per-CPU areas, pgdat) sit at the top of its
    // memory, so those blocks hold unmovable pages and refuse to go offline (the last block of node0 on every
    // oracle kernel). With movable_node memblock allocates bottom-up, near the kernel image, instead.
    private static IEnumerable<(ulong Start, ulong End)> EarlyAllocations(Dictionary<int, List<(ulong Start, ulong End)>> ram)
    {
        const ulong earlyPages = 16 << 20 >> 12;
        foreach (var ranges in ram.Values.Where(r => r.Count > 0))
        {
            ulong present = ranges.Aggregate(0UL, (s, r) => s + r.End - r.Start), end = ranges.Max(r => r.End);
            ulong pages = Math.Min(present * 64 / KernelModel.PageSize + earlyPages, end);
            yield return ((end - pages) * KernelModel.PageSize, end * KernelModel.PageSize - 1);
        }
    }

    // What memblock_free_all() hands to the buddy at boot, when the machine does not say: the present pages less
    // their memmap (64 bytes of struct page per page, allocated from memblock). The kernel also reserves its image,
    // firmware tables and early allocations; a machine that needs exact figures gives them (as host does).
    private static ulong BootManaged(ulong present) => present - present * 64 / KernelModel.PageSize;

    // Models memory_dev_init()/add_boot_memory_block(): a block for every block-sized window with RAM; its zone is
    // the single populated zone it intersects (early_node_zone_for_memory_block()), else none.
    private static void BootBlocks(KernelModel kernel, Dictionary<int, List<(ulong Start, ulong End)>> ram)
    {
        ulong ppb = kernel.PagesPerBlock;
        var owners = new Dictionary<long, (int Nid, bool SpansNodes)>();
        foreach (var (nid, ranges) in ram)
        {
            foreach (var (start, end) in ranges)
            {
                for (long id = (long)(start / ppb); id <= (long)((end - 1) / ppb); id++)
                {
                    owners[id] = owners.TryGetValue(id, out var o) ? (o.Nid, o.SpansNodes || o.Nid != nid) : (nid, false);
                }
            }
        }

        var ids = owners.Keys.ToArray();
        Array.Sort(ids);
        foreach (var id in ids)
        {
            var (nid, spansNodes) = owners[id];
            ulong pfn = (ulong)id * ppb;
            var node = kernel.Node(nid)!;
            Zone? single = null;
            int zones = 0;
            foreach (var zone in node.Zones)
            {
                if (zone.Populated && zone.Intersects(pfn, ppb))
                {
                    single = zone;
                    zones++;
                }
            }

            ulong present = spansNodes ? ram.Values.Aggregate(0UL, (s, r) => s + Overlap(r, pfn, pfn + ppb)) : Overlap(ram[nid], pfn, pfn + ppb);
            var mem = new MemoryBlock(id, pfn, ppb, nid, group: null, early: true)
            {
                PresentPages = present,
                SpansNodes = spansNodes,
                State = MemoryBlockState.Online,
                Zone = !spansNodes && zones == 1 ? single : null,
                SectionsOnline = true,
            };
            kernel.Hotplug.RegisterBlock(mem);
        }
    }

    // A dumped machine's blocks: the offline ones were never onlined (the dump's zones count only online blocks), and
    // each keeps the dump's text of its read-only files.
    private static void DumpedBlocks(KernelModel kernel, MachineSpec spec)
    {
        foreach (var b in spec.Blocks ?? [])
        {
            var mem = kernel.Blocks.Find(b.Id) ?? throw new FormatException($"block {b.Id} has no memory in any node");
            mem.Dumped = b;
            // Before 5.x removable was 0 for a block with unmovable pages (is_mem_section_removable()).
            mem.Faults.Unmovable |= b.Removable == "0";
            if (b.State == "offline")
            {
                (mem.State, mem.DeviceOffline, mem.Zone, mem.SectionsOnline) = (MemoryBlockState.Offline, true, null, false);
            }
            else if (b.State != "online")
            {
                throw new FormatException($"block {b.Id}: state is online or offline, not '{b.State}'");
            }
        }
    }

    private static void BootNodeStates(KernelModel kernel, Dictionary<int, List<(ulong Start, ulong End)>> ram)
    {
        foreach (var node in kernel.PossibleNodes)
        {
            if (node.PresentPages > 0)
            {
                kernel.NodeStates.Set(node.Id, NodeState.Memory);
            }

            if (node.PresentKernelPages > 0)
            {
                kernel.NodeStates.Set(node.Id, NodeState.NormalMemory);
            }

            if (node.Cpus.Count > 0)
            {
                kernel.NodeStates.Set(node.Id, NodeState.Cpu);
            }

            if (node.PresentPages > 0 || node.Cpus.Count > 0 || ram[node.Id].Count > 0)
            {
                kernel.Hotplug.RegisterNode(node);
            }
        }
    }

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
