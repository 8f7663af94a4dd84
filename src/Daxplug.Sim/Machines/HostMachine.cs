using System.Globalization;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Sim.Machines;

/// <summary>
/// The "host" machine: a read-only snapshot of the running kernel's memory layout from /sys and /proc. Nothing
/// here writes; the roots are parameters so that tests can point it at a copy.
/// </summary>
public static class HostMachine
{
    public static MachineSpec Read(string sysRoot = "/sys", string procRoot = "/proc")
    {
        string memory = Path.Combine(sysRoot, "devices/system/memory");
        string nodeRoot = Path.Combine(sysRoot, "devices/system/node");
        string parameters = Path.Combine(sysRoot, "module/memory_hotplug/parameters");
        var spec = new MachineSpec
        {
            Name = "host",
            BlockSize = "0x" + ReadLine(Path.Combine(memory, "block_size_bytes")),
            AutoOnlineBlocks = ReadLine(Path.Combine(memory, "auto_online_blocks"), "offline"),
            OnlinePolicy = ReadLine(Path.Combine(parameters, "online_policy"), "contig-zones"),
            AutoMovableRatio = uint.Parse(ReadLine(Path.Combine(parameters, "auto_movable_ratio"), "301"), CultureInfo.InvariantCulture),
            AutoMovableNumaAware = ReadLine(Path.Combine(parameters, "auto_movable_numa_aware"), "Y") == "Y",
            MemmapOnMemory = ReadLine(Path.Combine(parameters, "memmap_on_memory"), "N"),
            DemotionEnabled = ReadLine(Path.Combine(sysRoot, "kernel/mm/numa/demotion_enabled"), "false") == "true",
            MovableNode = ReadLine(Path.Combine(procRoot, "cmdline"), "").Split(' ').Contains("movable_node"),
            Kernel = ReadLine(Path.Combine(procRoot, "sys/kernel/osrelease"), KernelRelease.Latest.ToString()),
            MemoryFailure = File.Exists(Path.Combine(memory, "hard_offline_page")),
            CrashHotplug = File.Exists(Path.Combine(memory, "crash_hotplug")),
            Sgx = Directory.Exists(Path.Combine(nodeRoot, "node0/x86")),
        };
        spec.DaxMajor = DaxMajor(Path.Combine(procRoot, "devices")) ?? spec.DaxMajor;
        ulong bs = Addresses.Parse(spec.BlockSize);
        var iomem = Iomem(Path.Combine(procRoot, "iomem"));
        // The top-level System RAM ranges (none when /proc/iomem could not be read as root: every address 0).
        var systemRam = (iomem ?? []).Where(r => r.Name == "System RAM").Select(r => Addresses.ParseRange(r.Range)).ToList();
        if (iomem is not null)
        {
            spec.Iomem = iomem;
            // The kernel image's blocks refuse to go offline on the host (isolation finds unmovable pages).
            var image = iomem.SelectMany(r => r.Children ?? []).Select(r => Addresses.ParseRange(r.Range)).ToList();
            if (image.Count > 0)
            {
                spec.Unmovable.Add(Addresses.FormatRange(image.Min(r => r.Start), image.Max(r => r.End)));
            }
        }

        spec.Nodes.AddRange(Nodes(nodeRoot, BlockNodes(memory), ZoneInfo(Path.Combine(procRoot, "zoneinfo")), systemRam, bs));
        return spec;
    }

    // Each possible node: its CPUs, distances, RAM (System RAM clipped to the blocks that link to it) and zones.
    private static List<NodeSpec> Nodes(string nodeRoot, Dictionary<long, int> blockNodes, Dictionary<int, List<ZoneSpec>> zones,
                                        List<(ulong Start, ulong End)> systemRam, ulong bs)
    {
        var nodes = new List<NodeSpec>();
        var possible = KernelFormat.ParseList(ReadLine(Path.Combine(nodeRoot, "possible"), "0")) ?? [0];
        var online = KernelFormat.ParseList(ReadLine(Path.Combine(nodeRoot, "online"), "0")) ?? [0];
        foreach (var nid in possible)
        {
            string dir = Path.Combine(nodeRoot, $"node{nid}");
            var node = new NodeSpec { Id = nid, Cpus = ReadLine(Path.Combine(dir, "cpulist"), "") };
            var row = ReadLine(Path.Combine(dir, "distance"), "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (row.Length == online.Count)
            {
                node.Distances = Enumerable.Range(0, online.Max() + 1)
                    .Select(i => online.IndexOf(i) is var k and >= 0 ? int.Parse(row[k], CultureInfo.InvariantCulture) : (i == nid ? 10 : 20))
                    .ToList();
            }

            // The node's RAM: System RAM clipped to the blocks that link to this node.
            foreach (var id in blockNodes.Where(b => b.Value == nid).Select(b => b.Key).Order())
            {
                ulong start = (ulong)id * bs, end = start + bs - 1;
                foreach (var (s, e) in systemRam)
                {
                    if (e >= start && s <= end)
                    {
                        node.Memory.Add(Addresses.FormatRange(Math.Max(s, start), Math.Min(e, end)));
                    }
                }
            }

            node.Memory = Merge(node.Memory);
            node.Zones = zones.TryGetValue(nid, out var z) ? z : null;
            nodes.Add(node);
        }

        return nodes;
    }

    private static string ReadLine(string path, string? fallback = null)
    {
        try
        {
            return File.ReadAllText(path).TrimEnd('\n');
        }
        catch (IOException) when (fallback is not null)
        {
            return fallback;
        }
        catch (UnauthorizedAccessException) when (fallback is not null)
        {
            return fallback;
        }
    }

    private static Dictionary<long, int> BlockNodes(string memory)
    {
        var result = new Dictionary<long, int>();
        foreach (var dir in Directory.EnumerateDirectories(memory, "memory*"))
        {
            if (KernfsSource.ParseId(Path.GetFileName(dir), "memory") is not { } id)
            {
                continue;
            }

            var link = Directory.EnumerateFileSystemEntries(dir, "node*").Select(Path.GetFileName).FirstOrDefault();
            result[id] = link is null ? 0 : (int)(KernfsSource.ParseId(link, "node") ?? 0);
        }

        return result;
    }

    /// <summary>
    /// The "dax" char major of /proc/devices; without one (device_dax not loaded), the major the kernel would give
    /// it: find_dynamic_major() (fs/char_dev.c) takes the highest of 254..234 that no registered major hashes to
    /// (major % 255). Null without /proc/devices.
    /// </summary>
    private static int? DaxMajor(string devices)
    {
        if (!File.Exists(devices))
        {
            return null;
        }

        var majors = new Dictionary<string, int>();
        var used = new HashSet<int>();
        foreach (var line in File.ReadLines(devices).TakeWhile(l => !l.StartsWith("Block", StringComparison.Ordinal)))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 2 && int.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
            {
                majors.TryAdd(words[1], major);
                used.Add(major % 255);
            }
        }

        return majors.TryGetValue("dax", out var dax) ? dax
            : Enumerable.Range(234, 21).Reverse().Cast<int?>().FirstOrDefault(i => !used.Contains(i!.Value));
    }

    /// <summary>
    /// The top level of /proc/iomem with the kernel image (Kernel code, rodata, data, bss) under its System RAM, or
    /// null when not read as root (every address 0). Dax resources are left out: the model's kmem makes its own.
    /// </summary>
    private static List<ResourceSpec>? Iomem(string iomem)
    {
        var result = new List<ResourceSpec>();
        foreach (var line in File.Exists(iomem) ? File.ReadLines(iomem) : [])
        {
            int colon = line.IndexOf(" : ", StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var range = line[..colon].Trim();
            var name = line[(colon + 3)..];
            if (Addresses.ParseRange(range).End == 0)
            {
                return null;
            }

            if (!line.StartsWith(' '))
            {
                if (!name.StartsWith("dax", StringComparison.Ordinal))
                {
                    result.Add(new ResourceSpec { Range = range, Name = name });
                }
            }
            else if (line.StartsWith("  ", StringComparison.Ordinal) && !line.StartsWith("   ", StringComparison.Ordinal)
                     && name.StartsWith("Kernel ", StringComparison.Ordinal) && result.Count > 0 && result[^1].Name == "System RAM")
            {
                (result[^1].Children ??= []).Add(new ResourceSpec { Range = range, Name = name });
            }
        }

        return result.Count > 0 ? result : null;
    }

    private static Dictionary<int, List<ZoneSpec>> ZoneInfo(string path)
    {
        var result = new Dictionary<int, List<ZoneSpec>>();
        ZoneSpec? zone = null;
        foreach (var raw in File.Exists(path) ? File.ReadLines(path) : [])
        {
            var line = raw.Trim();
            var words = line.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith("Node ", StringComparison.Ordinal) && words.Length >= 4)
            {
                int nid = int.Parse(words[1], CultureInfo.InvariantCulture);
                zone = words[3] is "DMA" or "DMA32" or "Normal" or "Movable" ? new ZoneSpec { Zone = words[3] } : null;
                if (zone is not null)
                {
                    (result.TryGetValue(nid, out var list) ? list : result[nid] = []).Add(zone);
                }
            }
            else if (zone is not null && words.Length == 2 && ulong.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                switch (words[0])
                {
                    case "spanned": zone.SpannedPages = v; break;
                    case "present": zone.PresentPages = v; break;
                    case "managed": zone.ManagedPages = v; break;
                    case "start_pfn:": zone.StartPfn = v; break;
                }
            }
        }

        foreach (var z in result.Values.SelectMany(l => l).Where(z => z.SpannedPages == 0))
        {
            z.StartPfn = 0;
        }

        return result;
    }

    private static List<string> Merge(List<string> ranges)
    {
        var merged = new List<(ulong Start, ulong End)>();
        foreach (var (s, e) in ranges.Select(Addresses.ParseRange).OrderBy(r => r.Start))
        {
            if (merged.Count > 0 && merged[^1].End + 1 == s)
            {
                merged[^1] = (merged[^1].Start, e);
            }
            else
            {
                merged.Add((s, e));
            }
        }

        return merged.Select(r => Addresses.FormatRange(r.Start, r.End)).ToList();
    }
}
