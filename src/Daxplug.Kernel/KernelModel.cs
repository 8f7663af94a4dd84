using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Log;
using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Resource;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel;

/// <summary>
/// One simulated kernel: memory blocks and zones, NUMA nodes and tiers, iomem, the log, uevents, the locks,
/// and the sysfs tree that exposes them. Built from a machine description by <see cref="Machines.MachineBuilder"/>.
/// </summary>
public sealed class KernelModel
{
    /// <summary>PAGE_SIZE on x86-64.</summary>
    public const ulong PageSize = 4096;

    private readonly Dictionary<int, NumaNode> nodes = [];

    public KernelModel(ulong blockSizeBytes, IEnumerable<NumaNode> possibleNodes, Func<int, int?>? nodeAdistance = null,
                       Machines.MachineSpec? machine = null)
    {
        Machine = machine ?? new Machines.MachineSpec();
        Release = KernelRelease.Parse(Machine.Kernel);
        if (blockSizeBytes == 0 || (blockSizeBytes & (blockSizeBytes - 1)) != 0 || blockSizeBytes % PageSize != 0)
        {
            throw new ArgumentException($"block size {blockSizeBytes:x} is not a power of two of pages");
        }

        BlockSizeBytes = blockSizeBytes;
        foreach (var node in possibleNodes)
        {
            nodes.Add(node.Id, node);
            NodeStates.Set(node.Id, NodeState.Possible);
        }

        // Lock order (include/linux/memory_hotplug.h, mm/memory-tiers.c):
        // device_hotplug_lock -> mem_hotplug_lock -> memory_tier_lock.
        DeviceHotplugLock = new KernelMutex("device_hotplug_lock", 10, () => Scheduler);
        MemHotplugLock = new KernelMutex("mem_hotplug_lock", 20, () => Scheduler);
        NodeAdistance = nodeAdistance ?? (_ => null);
        Tiers = new MemoryTiers(new KernelMutex("memory_tier_lock", 30, () => Scheduler), NodeAdistance);
        Hotplug = new MemoryHotplug(this);
        Watermarks = new Watermarks(this);
        KmemDriver = new Dax.KmemDriver(this);
        Dax = new Dax.DaxBus(this);
        Sysfs = new SysfsTree(new KernfsDir(""));
        MemorySysfs.Register(this, Sysfs.Root);
        ModuleParamSysfs.Register(this, Sysfs.Root);
        MemoryDebugfs.Register(this, Sysfs.Root);
        NodeSysfs.Register(this, Sysfs.Root);
        MemoryTierSysfs.Register(this, Sysfs.Root);
        Daxplug.Kernel.Dax.DaxSysfs.Register(this, Sysfs.Root);
    }

    public ulong BlockSizeBytes { get; }

    /// <summary>mt_calc_adistance(): the abstract distance firmware (HMAT/CXL) gives a node, or null.</summary>
    public Func<int, int?> NodeAdistance { get; }

    /// <summary>The description this kernel was booted from.</summary>
    public Machines.MachineSpec Machine { get; }

    /// <summary>The release whose behaviour is modelled where releases differ (the machine's "kernel").</summary>
    public KernelRelease Release { get; }

    public AbiProfile Abi { get; init; } = AbiProfile.StateV7;

    /// <summary>What this kernel is, by the name a user picks it with.</summary>
    public KernelChoice Choice => KernelChoice.Of(Release, Abi);

    /// <summary>The writes recorded since boot when recording is on (a saved kernel in Daxplug.Sim replays them).</summary>
    public List<Sysfs.JournalEntry> Journal { get; } = [];

    public ulong PagesPerBlock => BlockSizeBytes / PageSize;

    public HotplugParams Params { get; } = new();

    public MemoryBlocks Blocks { get; } = new();

    public NodeStates NodeStates { get; } = new();

    public MemoryTiers Tiers { get; }

    public IomemTree Iomem { get; } = new();

    /// <summary>
    /// soft_reserve_resource: from 7.0 ("dax/hmem, e820, resource: Defer Soft Reserved insertion until hmem is
    /// ready", e820__reserve_resources_late()) Soft Reserved ranges live here, not in /proc/iomem.
    /// </summary>
    public IomemTree SoftReserve { get; } = new();

    /// <summary>The tree a "Soft Reserved" range belongs to in this release.</summary>
    public IomemTree SoftReservedTree => Release.AtLeast(7, 0) ? SoftReserve : Iomem;

    public KernelLog Log { get; } = new();

    public UeventBus Uevents { get; } = new();

    public MemoryHotplug Hotplug { get; }

    /// <summary>min_free_kbytes and the zones' watermarks (init_per_zone_wmark_min()).</summary>
    public Watermarks Watermarks { get; }

    /// <summary>The dax bus with its regions, devices and the device_dax and kmem drivers.</summary>
    public Dax.DaxBus Dax { get; }

    /// <summary>drivers/dax/kmem.c for this kernel's ABI profile.</summary>
    public Dax.KmemDriver KmemDriver { get; }

    public SysfsTree Sysfs { get; }

    /// <summary>notifier-error-inject's memory actions: MEM_GOING_ONLINE / MEM_GOING_OFFLINE errno (≤ 0).</summary>
    public NotifierErrorInject NotifierInject { get; } = new();

    /// <summary>device_hotplug_lock (drivers/base/core.c): serializes sysfs online/offline and add/remove.</summary>
    public KernelMutex DeviceHotplugLock { get; }

    /// <summary>mem_hotplug_lock (mm/memory_hotplug.c): held around zone/node changes (mem_hotplug_begin/done).</summary>
    public KernelMutex MemHotplugLock { get; }

    /// <summary>Who runs the model: real threads (default) or the race lab's deterministic scheduler.</summary>
    public IKernelScheduler Scheduler { get; set; } = ThreadScheduler.Instance;

    /// <summary>Every possible node, by id.</summary>
    public IEnumerable<NumaNode> PossibleNodes => nodes.Values.OrderBy(n => n.Id);

    /// <summary>NODE_DATA(nid), or null if the node is not possible.</summary>
    public NumaNode? Node(int nid) => nodes.GetValueOrDefault(nid);

    /// <summary>node_distance(): from the machine's table, else 10 local and 20 remote (LOCAL/REMOTE_DISTANCE).</summary>
    public int Distance(int from, int to) =>
        Distances.TryGetValue((from, to), out var d) ? d : from == to ? 10 : 20;

    /// <summary>The SLIT distances the machine gives.</summary>
    public Dictionary<(int From, int To), int> Distances { get; } = [];

    public long BlockId(ulong pfn) => (long)(pfn / PagesPerBlock);
}
