using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Resource;

namespace Daxplug.Kernel;

/// <summary>
/// Consistency of a quiescent model: accounting per node, zone and group; zone spans; node masks; tiers; iomem.
/// Tests call it after every case; the race lab after every step.
/// </summary>
public static class Invariants
{
    /// <summary>Every violated invariant, one line each; empty when consistent.</summary>
    public static List<string> Check(KernelModel k)
    {
        var problems = new List<string>();
        var blocks = k.Blocks.All().ToList();
        CheckBlocks(k, blocks, problems);
        CheckAccounting(k, blocks, problems);
        CheckNodeStates(k, blocks, problems);
        CheckTiers(k, problems);
        CheckIomem(k, blocks, problems);
        CheckDax(k, problems);
        return problems;
    }

    private static void CheckBlocks(KernelModel k, List<MemoryBlock> blocks, List<string> problems)
    {
        foreach (var b in blocks)
        {
            bool offline = b.State == MemoryBlockState.Offline;
            if (b.State == MemoryBlockState.GoingOffline)
            {
                problems.Add($"memory{b.Id} is going-offline at quiescence");
            }

            if (b.DeviceOffline != offline)
            {
                problems.Add($"memory{b.Id}: online file says {(b.DeviceOffline ? 0 : 1)} but state is {MemorySysfsNames.State(b.State)}");
            }

            if (offline && (b.Zone is not null || b.SectionsOnline))
            {
                problems.Add($"memory{b.Id} is offline but keeps zone {b.Zone} or online sections");
            }

            if (!offline && b.Zone is null && !b.Early)
            {
                problems.Add($"hot-added memory{b.Id} is online without a zone");
            }

            if (b.Zone is { } z && !b.HasHoles && (b.StartPfn < z.StartPfn || b.EndPfn > z.EndPfn))
            {
                problems.Add($"memory{b.Id} lies outside the span of {z}");
            }
        }
    }

    private static void CheckAccounting(KernelModel k, List<MemoryBlock> blocks, List<string> problems)
    {
        foreach (var node in k.PossibleNodes)
        {
            ulong online = blocks.Where(b => b.Nid == node.Id && b.SectionsOnline).Aggregate(0UL, (s, b) => s + b.PresentPages);
            if (node.PresentPages - online != node.BootUnaccountedPages)
            {
                problems.Add($"node{node.Id}: zones present {node.PresentPages} pages, online blocks {online} (+{node.BootUnaccountedPages} at boot)");
            }

            var movable = node[ZoneType.Movable];
            ulong inMovable = blocks.Where(b => b.Zone == movable).Aggregate(0UL, (s, b) => s + b.PresentPages);
            if (movable.PresentPages != inMovable)
            {
                problems.Add($"{movable}: present {movable.PresentPages}, blocks {inMovable}");
            }
        }

        foreach (var g in k.Hotplug.Groups)
        {
            var mine = blocks.Where(b => b.Group == g && b.Zone is not null).ToList();
            ulong kern = mine.Where(b => b.Zone!.Type != ZoneType.Movable).Aggregate(0UL, (s, b) => s + b.NrPages);
            ulong mov = mine.Where(b => b.Zone!.Type == ZoneType.Movable).Aggregate(0UL, (s, b) => s + b.NrPages);
            if (kern != g.PresentKernelPages || mov != g.PresentMovablePages)
            {
                problems.Add($"group {g.Id}: kernel {g.PresentKernelPages}/{kern} movable {g.PresentMovablePages}/{mov} (counter/blocks)");
            }
        }
    }

    private static void CheckNodeStates(KernelModel k, List<MemoryBlock> blocks, List<string> problems)
    {
        foreach (var node in k.PossibleNodes)
        {
            Expect(problems, node, NodeState.Memory, k.NodeStates.Has(node.Id, NodeState.Memory), node.PresentPages > 0);
            if (k.Release.TracksNormalMemory)
            {
                // In 6.17 and 6.18 N_NORMAL_MEMORY is set at boot only, so it says nothing about hot-plugged memory.
                Expect(problems, node, NodeState.NormalMemory, k.NodeStates.Has(node.Id, NodeState.NormalMemory), node.PresentKernelPages > 0);
            }
            bool online = k.NodeStates.Has(node.Id, NodeState.Online);
            if (online != node.Registered)
            {
                problems.Add($"node{node.Id}: online {online} but registered {node.Registered}");
            }

            if (!online && blocks.Any(b => b.Nid == node.Id))
            {
                problems.Add($"node{node.Id} is offline but has memory blocks");
            }
        }
    }

    private static void Expect(List<string> problems, NumaNode node, NodeState state, bool actual, bool expected)
    {
        if (actual != expected)
        {
            problems.Add($"node{node.Id}: {NodeStates.FileName(state)} is {actual}, memory says {expected}");
        }
    }

    private static void CheckTiers(KernelModel k, List<string> problems)
    {
        var inTiers = k.Tiers.Tiers.SelectMany(t => t.Nodes).Order().ToList();
        var withMemory = k.NodeStates.Nodes(NodeState.Memory).Order().ToList();
        if (!inTiers.SequenceEqual(withMemory))
        {
            problems.Add($"tier nodes [{string.Join(',', inTiers)}] differ from has_memory [{string.Join(',', withMemory)}]");
        }

        foreach (var tier in k.Tiers.Tiers)
        {
            if (tier.MemoryTypes.Count == 0 || tier.MemoryTypes.Any(t => t.Adistance / MemoryTiers.ChunkSize * MemoryTiers.ChunkSize != tier.AdistanceStart))
            {
                problems.Add($"memory_tier{tier.Id} has no or misplaced memory types");
            }
        }
    }

    private static void CheckDax(KernelModel k, List<string> problems)
    {
        var owner = new Dictionary<long, string>();
        foreach (var dev in k.Dax.Devices)
        {
            foreach (var r in dev.Ranges)
            {
                if (r.Res.Parent != dev.Region.Res)
                {
                    problems.Add($"{dev.Name}: range {r.Start:x}-{r.End:x} is not claimed in its region");
                }
            }

            if (dev.Kmem is { } data && dev.Driver != k.Dax.Kmem)
            {
                problems.Add($"{dev.Name} has kmem data but is not bound to kmem");
            }

            var datas = k.KmemDriver.Leaked.Where(l => l.ResName == dev.Name).Append(dev.Kmem).OfType<Dax.KmemData>();
            foreach (var d in datas)
            {
                for (int i = 0; i < dev.Ranges.Count; i++)
                {
                    if (!d.Added[i] || k.KmemDriver.AlignedRange(dev, i) is not { } range)
                    {
                        continue;
                    }

                    ulong size = range.End - range.Start + 1;
                    if (k.Hotplug.BlocksOf(range.Start, size).LongCount() != (long)(size / k.BlockSizeBytes))
                    {
                        problems.Add($"{dev.Name} mapping{i}: memory marked added but blocks are missing");
                    }

                    foreach (var b in k.Hotplug.BlocksOf(range.Start, size))
                    {
                        if (!owner.TryAdd(b.Id, dev.Name) && owner[b.Id] != dev.Name)
                        {
                            problems.Add($"memory{b.Id} belongs to {owner[b.Id]} and {dev.Name}");
                        }
                    }
                }

                foreach (var res in d.Res.OfType<IoResource>())
                {
                    if (res.Parent is null)
                    {
                        problems.Add($"{dev.Name}: kmem holds a resource that is not in iomem");
                    }
                }
            }
        }
    }

    private static void CheckIomem(KernelModel k, List<MemoryBlock> blocks, List<string> problems)
    {
        var managed = k.Iomem.All().Where(r => (r.Flags & ResourceFlags.DriverManaged) != 0).ToList();
        foreach (var b in blocks.Where(b => !b.Early))
        {
            ulong start = b.StartPfn * KernelModel.PageSize, end = (b.EndPfn * KernelModel.PageSize) - 1;
            if (!managed.Any(r => r.Start <= start && r.End >= end))
            {
                problems.Add($"hot-added memory{b.Id} has no System RAM resource in iomem");
            }
        }

        foreach (var r in managed)
        {
            if (k.Hotplug.BlocksOf(r.Start, r.Size).LongCount() != (long)(r.Size / k.BlockSizeBytes))
            {
                problems.Add($"iomem {r} is not fully backed by memory blocks");
            }
        }
    }
}
