namespace Daxplug.Kernel.Memory;

/// <summary>online_policy values (mm/memory_hotplug.c online_policy_to_str[]).</summary>
public enum OnlinePolicy
{
    ContigZones = 0,
    AutoMovable = 1,
}

/// <summary>The memory-hotplug knobs: sysfs, module parameters and boot parameters.</summary>
public sealed class HotplugParams
{
    /// <summary>online_policy_to_str[]: "contig-zones", "auto-movable".</summary>
    public static readonly string[] OnlinePolicyNames = ["contig-zones", "auto-movable"];

    /// <summary>mhp_default_online_type: /sys/devices/system/memory/auto_online_blocks.</summary>
    public OnlineType AutoOnlineBlocks { get; set; } = OnlineType.Offline;

    public OnlinePolicy OnlinePolicy { get; set; } = OnlinePolicy.ContigZones;

    /// <summary>auto_movable_ratio in percent (default 301).</summary>
    public uint AutoMovableRatio { get; set; } = 301;

    public bool AutoMovableNumaAware { get; set; } = true;

    /// <summary>The movable_node boot parameter (movable_node_enabled).</summary>
    public bool MovableNode { get; set; }

    /// <summary>memory_hotplug.memmap_on_memory as its parameter reads: "N", "Y" or "force". Boot only.</summary>
    public string MemmapOnMemory { get; set; } = "N";

    /// <summary>Whether hot-added memory onlined into a kernel zone gets unmovable pages (then cannot be offlined).</summary>
    public bool KernelZonePinning { get; set; }

    /// <summary>/sys/kernel/mm/numa/demotion_enabled.</summary>
    public bool DemotionEnabled { get; set; }
}
