using System.Globalization;
using Daxplug.Control.Sysfs;

namespace Daxplug.Control.Discovery;

/// <summary>
/// Reads regions, devices, mappings, drivers, the attribute and the memory blocks of each device from sysfs.
/// A device's blocks come from every mappingN range (not daxctl's resource + size, which is wrong for
/// discontiguous devices).
/// </summary>
public static class Discover
{
    /// <summary>How much of a device's blocks to read: each costs a file read per block (through FUSE, ~0.3 ms).</summary>
    public enum Detail
    {
        /// <summary>No blocks.</summary>
        None,

        /// <summary>State of every block, zones of the online ones (what transitions need).</summary>
        States,

        /// <summary>State and valid_zones of every block (what listings show); an online block's state is what its
        /// valid_zones says (see <see cref="Zones"/>), so it costs one read.</summary>
        Full,

        /// <summary>
        /// valid_zones of every block, one read each, the state derived from it (a check after a whole-device
        /// online): valid_zones_show() prints an online block's one zone ("none" if it spans several), and for an
        /// offline block its default zone followed by the other one it may go to, so never a single name.
        /// </summary>
        Zones,
    }

    public const string Memory = "/sys/devices/system/memory";
    public const string DaxDevices = "/sys/bus/dax/devices";

    public static Inventory Run(ISysfs sysfs)
    {
        ulong bs = BlockSize(sysfs);
        var regions = new Dictionary<string, RegionInfo>();
        var devices = new List<DeviceInfo>();
        sysfs.List(DaxDevices, out var names);
        foreach (var name in names.Where(n => n.StartsWith("dax", StringComparison.Ordinal)).OrderBy(DeviceOrder))
        {
            devices.Add(ReadDevice(sysfs, name, bs, regions, Detail.Full));
        }

        return new Inventory(
            bs,
            sysfs.ReadValue($"{Memory}/auto_online_blocks") ?? "offline",
            sysfs.ReadValue("/sys/module/memory_hotplug/parameters/online_policy") ?? "contig-zones",
            regions.Values.OrderBy(r => r.Id).ToList(),
            devices);
    }

    /// <summary>Reads one device (and its region) only, or null if there is no such device.</summary>
    public static DeviceInfo? Device(ISysfs sysfs, string name, Detail detail = Detail.Full)
    {
        if (!IsDeviceName(name) || !sysfs.Exists($"{DaxDevices}/{name}"))
        {
            return null;
        }

        return ReadDevice(sysfs, name, BlockSize(sysfs), [], detail);
    }

    /// <summary>Whether a name has the shape of a dax device's, daxR.N (nothing else is looked up).</summary>
    public static bool IsDeviceName(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return name.StartsWith("dax", StringComparison.Ordinal) && dot > 3 && dot < name.Length - 1
               && name.AsSpan(3, dot - 3).ContainsAnyExceptInRange('0', '9') == false
               && name.AsSpan(dot + 1).ContainsAnyExceptInRange('0', '9') == false;
    }

    /// <summary>The memory block size (block_size_bytes, hex without 0x).</summary>
    public static ulong BlockSize(ISysfs sysfs) =>
        sysfs.ReadNumber($"{Memory}/block_size_bytes", hexWithoutPrefix: true) ?? throw new IOException($"{sysfs.Describe}: no {Memory}/block_size_bytes");

    /// <summary>
    /// The blocks of the ranges (a device's mappings) that exist, in range order, with their state and zones; the
    /// node from the nodeK link, or <paramref name="node"/> when the caller knows it (kmem adds a device's memory
    /// to its target node).
    /// </summary>
    public static List<BlockInfo> Blocks(ISysfs sysfs, ulong blockSize, IEnumerable<(ulong Start, ulong End)> ranges, int? node = null, Detail detail = Detail.Full)
    {
        var ids = BlockIdsIn(blockSize, ranges).ToList();

        // Past a few blocks, one listing of the memory directory says which exist (an unplugged 1 TiB device would
        // otherwise cost 8192 failed opens).
        if (ids.Count > 16 && sysfs.List(Memory, out var names) == Errno.None)
        {
            var present = BlockIds(names).ToHashSet();
            ids = ids.Where(present.Contains).ToList();
        }

        return BlocksById(sysfs, blockSize, ids, _ => node, detail);
    }

    /// <summary>The ids of the memory blocks that lie wholly inside the ranges, whether they exist or not.</summary>
    public static IEnumerable<ulong> BlockIdsIn(ulong blockSize, IEnumerable<(ulong Start, ulong End)> ranges)
    {
        foreach (var (start, end) in ranges)
        {
            for (ulong id = (start + blockSize - 1) / blockSize; (id + 1) * blockSize - 1 <= end; id++)
            {
                yield return id;
            }
        }
    }

    // Reads each block's state and zones in batches (ReadAll); a block neither of whose files can be read (it was
    // just removed) is left out. States: state, then valid_zones of the online ones. Zones and Full: valid_zones
    // first, which valid_zones_show() makes say "online" by itself (one zone name; any other state prints the
    // default zone and the other one allowed); Full then reads state only where it did not (offline,
    // going-offline, or no valid_zones without CONFIG_MEMORY_HOTREMOVE).
    private static List<BlockInfo> BlocksById(ISysfs sysfs, ulong blockSize, IReadOnlyList<ulong> ids, Func<ulong, int?> nodeOf, Detail detail)
    {
        var state = new string?[ids.Count];
        var zones = new string?[ids.Count];
        void Read(string file, IEnumerable<int> which, string?[] into)
        {
            var list = which.ToList();
            var texts = sysfs.ReadAll(list.Select(i => $"{Memory}/memory{ids[i]}/{file}").ToList());
            for (int k = 0; k < list.Count; k++)
            {
                into[list[k]] = texts[k].Errno == Errno.None ? texts[k].Text.TrimEnd('\n') : null;
            }
        }

        var all = Enumerable.Range(0, ids.Count);
        if (detail == Detail.States)
        {
            Read("state", all, state);
            Read("valid_zones", all.Where(i => state[i] == "online"), zones);
        }
        else
        {
            Read("valid_zones", all, zones);
            foreach (int i in all.Where(i => zones[i] is { } z && !z.Contains(' ', StringComparison.Ordinal)))
            {
                state[i] = "online";
            }

            if (detail == Detail.Zones)
            {
                foreach (int i in all.Where(i => zones[i] is not null && state[i] is null))
                {
                    state[i] = "offline";
                }
            }
            else
            {
                Read("state", all.Where(i => state[i] is null), state);
            }
        }

        var blocks = new List<BlockInfo>(ids.Count);
        foreach (int i in all.Where(i => state[i] is not null))
        {
            ulong id = ids[i];
            int? known = nodeOf(id);
            int nid = known ?? -1;
            if (known is null && sysfs.List($"{Memory}/memory{id}", out var entries) == Errno.None && entries.FirstOrDefault(e => e.StartsWith("node", StringComparison.Ordinal)) is { } n)
            {
                nid = int.Parse(n[4..], CultureInfo.InvariantCulture);
            }

            blocks.Add(new BlockInfo((long)id, id * blockSize, blockSize, state[i]!, zones[i] ?? "", nid));
        }

        return blocks;
    }

    /// <summary>Whether any memory block of the node is online (its memoryN links, read until one is).</summary>
    public static bool NodeHasOnlineMemory(ISysfs sysfs, int node)
    {
        sysfs.List($"/sys/devices/system/node/node{node}", out var entries);
        return BlockIds(entries).Any(id => sysfs.ReadValue($"{Memory}/memory{id}/state") == "online");
    }

    /// <summary>Every memory block; nodes from one listing per node directory (as daxctl walks them).</summary>
    public static List<BlockInfo> AllBlocks(ISysfs sysfs, ulong blockSize)
    {
        var nodeOf = new Dictionary<ulong, int>();
        sysfs.List("/sys/devices/system/node", out var nodes);
        foreach (var node in nodes.Where(n => n.StartsWith("node", StringComparison.Ordinal) && n.Length > 4 && char.IsAsciiDigit(n[4])))
        {
            int nid = int.Parse(node[4..], CultureInfo.InvariantCulture);
            sysfs.List($"/sys/devices/system/node/{node}", out var entries);
            foreach (var id in BlockIds(entries))
            {
                nodeOf[id] = nid;
            }
        }

        sysfs.List(Memory, out var names);
        var ids = BlockIds(names).Order().ToList();
        return BlocksById(sysfs, blockSize, ids, id => nodeOf.GetValueOrDefault(id, -1), Detail.Full);
    }

    // The block ids a directory listing names (memoryN entries; the other files are skipped).
    private static IEnumerable<ulong> BlockIds(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (name.StartsWith("memory", StringComparison.Ordinal) && ulong.TryParse(name.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                yield return id;
            }
        }
    }

    private static DeviceInfo ReadDevice(ISysfs sysfs, string name, ulong bs, Dictionary<string, RegionInfo> regions, Detail detail)
    {
        var link = sysfs.ReadLink($"{DaxDevices}/{name}");
        var path = link is null ? $"{DaxDevices}/{name}" : Normalize(DaxDevices, link);
        var regionDir = path[..path.LastIndexOf('/')];
        if (!regions.TryGetValue(regionDir, out var region))
        {
            region = new RegionInfo(
                (int)(sysfs.ReadNumber($"{regionDir}/dax_region/id") ?? 0),
                regionDir,
                sysfs.ReadNumber($"{regionDir}/dax_region/size") ?? 0,
                sysfs.ReadNumber($"{regionDir}/dax_region/available_size"),
                (uint)(sysfs.ReadNumber($"{regionDir}/dax_region/align") ?? 0));
            regions[regionDir] = region;
        }

        var mappings = new List<MappingInfo>();
        sysfs.List(path, out var entries);
        foreach (var m in entries.Where(e => e.StartsWith("mapping", StringComparison.Ordinal) && e.Length > 7 && char.IsAsciiDigit(e[7])))
        {
            mappings.Add(new MappingInfo(
                int.Parse(m[7..], CultureInfo.InvariantCulture),
                sysfs.ReadNumber($"{path}/{m}/start") ?? 0,
                sysfs.ReadNumber($"{path}/{m}/end") ?? 0,
                sysfs.ReadNumber($"{path}/{m}/page_offset") ?? 0));
        }

        mappings.Sort((a, b) => a.PageOffset.CompareTo(b.PageOffset));
        AttributeInfo? attribute = null;
        if (entries.Contains("hotplug") && sysfs.ReadValue($"{path}/hotplug") is { } h)
        {
            attribute = new AttributeInfo(AttributeKind.Hotplug, h);
        }
        else if (entries.Contains("state") && sysfs.ReadValue($"{path}/state") is { } s)
        {
            attribute = new AttributeInfo(AttributeKind.State, s);
        }

        var driver = sysfs.LinkName($"{path}/driver");
        int target = sysfs.ReadValue($"{path}/target_node") is { } t && int.TryParse(t, CultureInfo.InvariantCulture, out var node) ? node : -1;
        // Blocks inside the device's ranges, whoever added them (a leaked kmem range keeps its blocks unbound).
        var blocks = detail == Detail.None ? []
            : Blocks(sysfs, bs, mappings.Select(m => (m.Start, m.End)), target >= 0 ? target : null, detail);
        return new DeviceInfo(name, region, path, sysfs.ReadNumber($"{path}/size") ?? 0, (uint)(sysfs.ReadNumber($"{path}/align") ?? 0),
            target, driver, mappings, attribute, blocks);
    }

    private static (int, int) DeviceOrder(string name)
    {
        var parts = name[3..].Split('.');
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var r) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var d) ? (r, d) : (int.MaxValue, 0);
    }

    /// <summary>A relative link target resolved against its directory ("/sys/bus/dax/devices" + "../../../x").</summary>
    public static string Normalize(string dir, string target)
    {
        var parts = new List<string>(dir.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var p in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (p != ".")
            {
                parts.Add(p);
            }
        }

        return "/" + string.Join('/', parts);
    }
}
