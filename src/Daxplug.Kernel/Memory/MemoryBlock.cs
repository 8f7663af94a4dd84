namespace Daxplug.Kernel.Memory;

/// <summary>
/// struct memory_block (include/linux/memory.h): one memoryN device. Zone is mem->zone: the zone it was
/// onlined into, or for boot memory the single zone covering it, or null (offline, or spanning zones/nodes).
/// </summary>
public sealed class MemoryBlock
{
    internal MemoryBlock(long id, ulong startPfn, ulong nrPages, int nid, MemoryGroup? group, bool early)
    {
        Id = id;
        StartPfn = startPfn;
        NrPages = nrPages;
        Nid = nid;
        Group = group;
        Early = early;
        PresentPages = nrPages;
    }

    /// <summary>The N of memoryN: phys / block size.</summary>
    public long Id { get; }

    public ulong StartPfn { get; }

    public ulong NrPages { get; }

    public ulong EndPfn => StartPfn + NrPages;

    public int Nid { get; }

    public MemoryGroup? Group { get; }

    /// <summary>Boot memory (MEMINIT_EARLY) rather than hot-added.</summary>
    public bool Early { get; }

    /// <summary>Pages backed by RAM; less than NrPages for boot blocks with holes.</summary>
    public ulong PresentPages { get; internal set; }

    /// <summary>mem->altmap->free: the pages at its start that hold its own memmap (memmap_on_memory), else 0.</summary>
    public ulong AltmapPages { get; internal set; }

    /// <summary>Boot blocks can span several nodes; such a block cannot be offlined either.</summary>
    public bool SpansNodes { get; internal set; }

    public MemoryBlockState State { get; internal set; }

    public Zone? Zone { get; internal set; }

    /// <summary>mem->online_type: the type requested by the online in progress (MMOP_OFFLINE otherwise).</summary>
    public OnlineType OnlineType { get; internal set; }

    /// <summary>dev->offline of the struct device (drivers/base/core.c): what the "online" file shows.</summary>
    public bool DeviceOffline { get; internal set; }

    public bool HasHoles => PresentPages != NrPages;

    /// <summary>The device is unregistered: its sysfs files are deactivated (kernfs_get_active() fails).</summary>
    public bool Removed { get; internal set; }

    /// <summary>Faults injected into this block (the model's debugfs).</summary>
    public BlockFaults Faults { get; } = new();

    /// <summary>
    /// The pfns of its pages with PageHWPoison (soft- or hard-offlined). From 6.2 their number is the block's
    /// nr_hwpoison (num_poisoned_pages_inc()), which makes it refuse to online (EHWPOISON); a re-added block starts
    /// with none (its struct pages are new).
    /// </summary>
    public HashSet<ulong> PoisonedPfns { get; } = [];

    /// <summary>
    /// The text of removable, valid_zones and phys_device in the dump this block was booted from (another release's
    /// or architecture's answers), shown until the block changes state; null for a block the model computes.
    /// </summary>
    public Machines.BlockSpec? Dumped { get; internal set; }

    /// <summary>SECTION_IS_ONLINE of its sections: set when online_pages() succeeds, cleared by offline_pages().</summary>
    public bool SectionsOnline { get; internal set; }

    public ulong PhysStart(ulong pageSize) => StartPfn * pageSize;
}

/// <summary>Per-block faults: what makes offline_pages()/online_pages() fail for this block only.</summary>
public sealed class BlockFaults
{
    /// <summary>Unmovable pages: isolation fails, offline gives EBUSY.</summary>
    public bool Unmovable { get; set; }

    /// <summary>A signal is pending during the migrate loop: offline gives EINTR.</summary>
    public bool SignalPending { get; set; }

    /// <summary>Hardware-poisoned pages: online gives EHWPOISON.</summary>
    public bool HwPoison { get; set; }

    /// <summary>This block's MEM_GOING_OFFLINE notifier veto (0 = none), as notifier-error-inject's value.</summary>
    public int GoingOfflineError { get; set; }

    /// <summary>This block's MEM_GOING_ONLINE notifier veto (0 = none).</summary>
    public int GoingOnlineError { get; set; }

    /// <summary>An errno that makes removing this block's range fail (a failing remove), 0 = none.</summary>
    public int RemoveError { get; set; }

    /// <summary>Extra scheduling points taken by an offline of this block (a slow migration).</summary>
    public int SlowOfflineSteps { get; set; }
}
