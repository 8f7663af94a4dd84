namespace Daxplug.Control.Transitions;

/// <summary>
/// A whole dax device's memory as the controller sees it: the states "list" shows and the targets "set" takes. The
/// one table of their names (7.3's words for its state attribute); an instance prints as its name.
/// </summary>
public sealed class DeviceState
{
    /// <summary>No memory blocks: the device is not system RAM (devdax, or kmem with everything removed).</summary>
    public static readonly DeviceState Unplugged = new("unplugged");

    /// <summary>Every block present and offline: what an interrupted per-block transition leaves.</summary>
    public static readonly DeviceState Offline = new("offline");

    /// <summary>Some blocks online, some offline.</summary>
    public static readonly DeviceState Mixed = new("mixed");

    /// <summary>Every block online, in more than one kind of zone (as a target: the kernel's zone choice).</summary>
    public static readonly DeviceState Online = new("online");

    /// <summary>Every block online in a kernel zone (Normal, DMA32).</summary>
    public static readonly DeviceState OnlineKernel = new("online_kernel");

    /// <summary>Every block online in ZONE_MOVABLE.</summary>
    public static readonly DeviceState OnlineMovable = new("online_movable");

    private static readonly DeviceState[] All = [Unplugged, Offline, Mixed, Online, OnlineKernel, OnlineMovable];

    private DeviceState(string name) => Name = name;

    /// <summary>
    /// What "set" can aim for. Not offline: it is the half-way state a per-block transition passes through, and 7.3's
    /// state attribute shows it but refuses to have it written; to take the memory away, unplug it.
    /// </summary>
    public static IReadOnlyList<DeviceState> Targets { get; } = [Unplugged, Online, OnlineKernel, OnlineMovable];

    /// <summary>The target names, for help, errors and completion.</summary>
    public static IReadOnlyList<string> TargetNames { get; } = [.. Targets.Select(t => t.Name)];

    /// <summary>"unplugged", "online_movable", …</summary>
    public string Name { get; }

    /// <summary>Whether "set" can aim for it.</summary>
    public bool IsTarget => Targets.Contains(this);

    /// <summary>Whether every block is online (online, online_kernel, online_movable).</summary>
    public bool IsOnline => this == Online || this == OnlineKernel || this == OnlineMovable;

    /// <summary>The state a name stands for, or null.</summary>
    public static DeviceState? Parse(string? name) => All.FirstOrDefault(s => s.Name == name);

    public override string ToString() => Name;
}
