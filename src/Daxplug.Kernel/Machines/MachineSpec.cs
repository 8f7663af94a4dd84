using System.Text.Json.Serialization;

namespace Daxplug.Kernel.Machines;

/// <summary>
/// A machine description (docs/machines.md): block size, hotplug knobs, NUMA nodes with their boot RAM, and
/// optionally the exact boot zones and the iomem tree. Addresses are strings ("0x…" or decimal) so that 64-bit
/// values survive JSON.
/// </summary>
public sealed class MachineSpec
{
    public string Name { get; set; } = "unnamed";

    /// <summary>The kernel release whose behaviour to model where releases differ ("6.1", "6.12", "6.18").</summary>
    public string Kernel { get; set; } = KernelRelease.Latest.ToString();

    public string BlockSize { get; set; } = "0x8000000";

    /// <summary>CONFIG_MEMORY_FAILURE: /sys/devices/system/memory/{soft,hard}_offline_page (Debian: on).</summary>
    public bool MemoryFailure { get; set; } = true;

    /// <summary>CONFIG_CRASH_HOTPLUG: /sys/devices/system/memory/crash_hotplug, from 6.5 (Debian: on).</summary>
    public bool CrashHotplug { get; set; } = true;

    /// <summary>CONFIG_X86_SGX: a node's (empty, without EPC) x86 directory (Debian: on).</summary>
    public bool Sgx { get; set; } = true;

    public string AutoOnlineBlocks { get; set; } = "offline";

    public string OnlinePolicy { get; set; } = "contig-zones";

    public uint AutoMovableRatio { get; set; } = 301;

    public bool AutoMovableNumaAware { get; set; } = true;

    public bool MovableNode { get; set; }

    public string MemmapOnMemory { get; set; } = "N";

    public bool DemotionEnabled { get; set; }

    public List<NodeSpec> Nodes { get; set; } = [];

    /// <summary>Top-level /proc/iomem resources; when absent, one "System RAM" per RAM range is made.</summary>
    public List<ResourceSpec>? Iomem { get; set; }

    /// <summary>Hot-added memory onlined into a kernel zone gets unmovable pages (slab), so it cannot be offlined.</summary>
    public bool KernelZonePinning { get; set; }

    /// <summary>The major number of the "dax" char devices (allocated dynamically by the kernel).</summary>
    public int DaxMajor { get; set; } = 251;

    /// <summary>Boot memory holding unmovable pages (the kernel image, firmware tables): its blocks cannot be
    /// offlined (EBUSY), as on a real kernel.</summary>
    public List<string> Unmovable { get; set; } = [];

    /// <summary>Device-DAX regions and the devices in them at boot.</summary>
    public List<DaxRegionSpec> DaxRegions { get; set; } = [];

    /// <summary>
    /// Boot blocks as a dump of another machine's sysfs shows them (docs/machines.md, "A machine from its sysfs"):
    /// offline ones start offline, and each shows the dump's removable, valid_zones and phys_device until it changes
    /// state. Needs the nodes' exact zones.
    /// </summary>
    public List<BlockSpec>? Blocks { get; set; }
}

/// <summary>A boot block of a dumped machine: its id, state and the text of its read-only files.</summary>
public sealed class BlockSpec
{
    public long Id { get; set; }

    /// <summary>"online" or "offline".</summary>
    public string State { get; set; } = "online";

    public string? Removable { get; set; }

    public string? ValidZones { get; set; }

    public string? PhysDevice { get; set; }
}

/// <summary>
/// A dax region: "hmem" (dynamic, Soft Reserved, kmem by default; also what CXL regions look like) or "pmem"
/// (static: one device, one range, device_dax by default).
/// </summary>
public sealed class DaxRegionSpec
{
    public int Id { get; set; }

    public string Kind { get; set; } = "hmem";

    /// <summary>The region's physical range, inclusive.</summary>
    public string Range { get; set; } = "";

    public int TargetNode { get; set; }

    /// <summary>Region alignment in bytes (PMD_SIZE, 2 MiB, by default).</summary>
    public string Align { get; set; } = "0x200000";

    /// <summary>The devices created at boot. A dynamic region with none gets daxR.0 of the whole region.</summary>
    public List<DaxDeviceSpec>? Devices { get; set; }
}

/// <summary>A dax device at boot: its ranges in allocation order, and whether a driver binds it.</summary>
public sealed class DaxDeviceSpec
{
    public int Id { get; set; }

    /// <summary>Inclusive ranges; for a static region exactly one.</summary>
    public List<string> Ranges { get; set; } = [];

    /// <summary>"auto" (match by region type), "kmem", "device_dax" or "none".</summary>
    public string Driver { get; set; } = "auto";
}

/// <summary>A possible NUMA node.</summary>
public sealed class NodeSpec
{
    public int Id { get; set; }

    /// <summary>CPU list ("0-7"); empty for a CPU-less node.</summary>
    public string Cpus { get; set; } = "";

    /// <summary>SLIT row: distance to node i at index i (nodes missing from it get 10/20).</summary>
    public List<int>? Distances { get; set; }

    /// <summary>Abstract distance from HMAT/CXL (mt_calc_adistance); null means DRAM's 576.</summary>
    public int? Adistance { get; set; }

    /// <summary>Boot RAM ranges, "start-end" inclusive, as /proc/iomem prints them.</summary>
    public List<string> Memory { get; set; } = [];

    /// <summary>Exact boot zones (from /proc/zoneinfo); when absent they are computed from RAM and zone limits.</summary>
    public List<ZoneSpec>? Zones { get; set; }
}

/// <summary>A boot zone as /proc/zoneinfo shows it.</summary>
public sealed class ZoneSpec
{
    public string Zone { get; set; } = "Normal";

    public ulong StartPfn { get; set; }

    public ulong SpannedPages { get; set; }

    public ulong PresentPages { get; set; }

    /// <summary>Pages the buddy allocator manages; when absent, present minus the memmap the boot reserved.</summary>
    public ulong? ManagedPages { get; set; }
}

/// <summary>An iomem resource with nested children.</summary>
public sealed class ResourceSpec
{
    public string Range { get; set; } = "";

    public string Name { get; set; } = "";

    public List<ResourceSpec>? Children { get; set; }
}
