using System.Globalization;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Sim.Machines;

/// <summary>
/// A machine from a dump of another machine's sysfs: a sysroot holding sys/devices/system/memory (a tarball of a
/// customer's /sys, util-linux's lsmem test dumps, a `sim dump`), read as lsmem --sysroot reads it. What is taken
/// from the dump and what is assumed: docs/machines.md, "A machine from its sysfs".
/// </summary>
public static class SysfsMachine
{
    private static readonly string[] ZoneNames = ["DMA", "DMA32", "Normal", "Movable"];

    /// <summary>Whether <paramref name="dir"/> is a sysroot with a memory directory.</summary>
    public static bool IsSysroot(string dir) => Directory.Exists(MemoryDir(dir));

    /// <summary>The machine the dump under <paramref name="sysroot"/> shows; a <see cref="FormatException"/> names
    /// the file that is missing or wrong.</summary>
    public static MachineSpec Read(string sysroot)
    {
        var memory = MemoryDir(sysroot);
        var sizeFile = Path.Combine(memory, "block_size_bytes");
        if (!File.Exists(sizeFile) || !ulong.TryParse(File.ReadAllText(sizeFile).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var blockSize)
            || blockSize == 0 || (blockSize & (blockSize - 1)) != 0 || blockSize % KernelModel.PageSize != 0)
        {
            throw new FormatException($"{sizeFile}: not a block size in hex (a power of two of at least 4 KiB)");
        }

        var blocks = new List<(BlockSpec Spec, int Nid)>();
        foreach (var dir in Directory.EnumerateDirectories(memory, "memory*"))
        {
            if (!long.TryParse(Path.GetFileName(dir)["memory".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            var state = Read(dir, "state") ?? throw new FormatException($"{Path.Combine(dir, "state")}: missing");
            var nid = Directory.EnumerateFileSystemEntries(dir, "node*").Select(Path.GetFileName)
                .Select(n => int.TryParse(n!["node".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1)
                .FirstOrDefault(v => v >= 0);
            blocks.Add((new BlockSpec
            {
                Id = id,
                // A block caught going offline is still online as far as its zones go.
                State = state == "offline" ? "offline" : "online",
                Removable = Read(dir, "removable"),
                ValidZones = Read(dir, "valid_zones"),
                PhysDevice = Read(dir, "phys_device"),
            }, nid));
        }

        if (blocks.Count == 0)
        {
            throw new FormatException($"{memory}: no memoryN directories");
        }

        blocks.Sort((a, b) => a.Spec.Id.CompareTo(b.Spec.Id));
        ulong ppb = blockSize / KernelModel.PageSize;
        var nodeDir = Path.Combine(sysroot, "sys", "devices", "system", "node");
        var nids = blocks.Select(b => b.Nid).Concat(Directory.Exists(nodeDir)
            ? Directory.EnumerateDirectories(nodeDir, "node*").Select(d => int.TryParse(Path.GetFileName(d)[4..], out var v) ? v : -1).Where(v => v >= 0)
            : []).Distinct().Order().ToList();
        return new MachineSpec
        {
            Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(sysroot))),
            BlockSize = "0x" + blockSize.ToString("x", CultureInfo.InvariantCulture),
            AutoOnlineBlocks = Read(memory, "auto_online_blocks") ?? "offline",
            MemoryFailure = File.Exists(Path.Combine(memory, "soft_offline_page")),
            CrashHotplug = File.Exists(Path.Combine(memory, "crash_hotplug")),
            Sgx = false,
            Nodes = [.. nids.Select(nid => Node(nid, blocks.Where(b => b.Nid == nid).Select(b => b.Spec).ToList(), ppb, Path.Combine(nodeDir, $"node{nid}")))],
            Blocks = [.. blocks.Select(b => b.Spec)],
        };
    }

    // A node: its CPUs if the dump has its directory, its blocks' ranges as its memory, and the exact zones its online
    // blocks name first in valid_zones (a block that names none, spanning zones, is in none).
    private static NodeSpec Node(int nid, List<BlockSpec> blocks, ulong ppb, string dir)
    {
        var ranges = new List<(ulong Start, ulong End)>();
        foreach (var b in blocks)
        {
            ulong start = (ulong)b.Id * ppb * KernelModel.PageSize, end = start + ppb * KernelModel.PageSize - 1;
            if (ranges.Count > 0 && ranges[^1].End + 1 == start)
            {
                ranges[^1] = (ranges[^1].Start, end);
            }
            else
            {
                ranges.Add((start, end));
            }
        }

        // An online block that names no zone spans two (memory0 on x86: DMA and DMA32): its pages are present in the
        // zone of the next zoned block (else the previous), outside that zone's span, as the kernel counts them.
        var online = blocks.Where(b => b.State == "online").ToList();
        string? ZoneOf(BlockSpec b) => ZoneNames.FirstOrDefault(z => z == b.ValidZones?.Split(' ')[0]);
        var zones = new List<ZoneSpec>();
        foreach (var name in ZoneNames)
        {
            var ids = online.Where(b => ZoneOf(b) == name).Select(b => (ulong)b.Id).ToList();
            if (ids.Count > 0)
            {
                zones.Add(new ZoneSpec { Zone = name, StartPfn = ids.Min() * ppb, SpannedPages = (ids.Max() + 1 - ids.Min()) * ppb, PresentPages = (ulong)ids.Count * ppb });
            }
        }

        foreach (var b in online.Where(b => ZoneOf(b) is null))
        {
            var home = online.Where(o => o.Id > b.Id).Select(ZoneOf).FirstOrDefault(z => z is not null)
                       ?? online.Where(o => o.Id < b.Id).Select(ZoneOf).LastOrDefault(z => z is not null);
            if (zones.Find(z => z.Zone == home) is { } zone)
            {
                zone.PresentPages += ppb;
            }
        }

        return new NodeSpec
        {
            Id = nid,
            Cpus = Read(dir, "cpulist") ?? "",
            Memory = [.. ranges.Select(r => Addresses.FormatRange(r.Start, r.End))],
            Zones = zones,
        };
    }

    private static string MemoryDir(string sysroot) => Path.Combine(sysroot, "sys", "devices", "system", "memory");

    // A file's text without its trailing newline, or null when the dump lacks it.
    private static string? Read(string dir, string name)
    {
        var path = Path.Combine(dir, name);
        return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\n') : null;
    }
}
