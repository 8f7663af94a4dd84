using System.Globalization;

namespace Daxplug.Kernel;

/// <summary>
/// The kernel release a machine models ("6.1" … "7.3"), for the behaviours that changed between them (each use names
/// the commit's release). Only major.minor matter: a stable backport (e.g. to 6.18.23) is not modelled.
/// </summary>
public readonly record struct KernelRelease(int Major, int Minor) : IComparable<KernelRelease>
{
    /// <summary>The release a machine models when it names none: 7.3, the first with the series.</summary>
    public static KernelRelease Latest { get; } = new(7, 3);

    /// <summary>Parses "6.12" or "6.12.107+deb12-amd64"; anything else is a FormatException.</summary>
    public static KernelRelease Parse(string text)
    {
        var parts = text.Split('.', '-', '+');
        if (parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return new KernelRelease(major, minor);
        }

        throw new FormatException($"kernel '{text}': expected a release like 6.12");
    }

    /// <summary>
    /// Whether memory hotplug keeps N_NORMAL_MEMORY up to date: always until 6.17 ("mm,memory_hotplug: remove
    /// status_change_nid_normal" set it at boot only), and again from 7.0 ("mm/memory_hotplug: maintain
    /// N_NORMAL_MEMORY during hotplug", 2ecbe06abf9b).
    /// </summary>
    public bool TracksNormalMemory => !AtLeast(6, 17) || AtLeast(7, 0);

    /// <summary>
    /// Whether kswapd_run() and kcompactd_run() create their threads on the node (kthread_create_on_node(), 7.3's
    /// mm/vmscan.c and mm/compaction.c) rather than anywhere (kthread_run(), 6.12's). 6.12 offlines a memoryless
    /// node's first kernel-zone block, 6.18 and later refuse it (oracle 19-selftest); the release between that made
    /// the change is not known here, so the model takes 6.18, the first it was seen in.
    /// </summary>
    public bool KthreadsOnNode => AtLeast(6, 18);

    /// <summary>
    /// Whether __setup_per_zone_wmarks() treats ZONE_MOVABLE as highmem (left out of the low memory, min of
    /// managed / 1024 within [32, 128]), as 6.12's mm/page_alloc.c does; 6.1 gave it a share of min_free_kbytes like
    /// any zone (oracle 18-meminfo). The release in between is not known here: the model takes 6.12.
    /// </summary>
    public bool MovableWatermarksAsHighmem => AtLeast(6, 12);

    public bool AtLeast(int major, int minor) => CompareTo(new KernelRelease(major, minor)) >= 0;

    public int CompareTo(KernelRelease other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public override string ToString() => $"{Major}.{Minor}";
}
