namespace Daxplug.Control.Transitions;

/// <summary>
/// A whole dax device's memory as the controller sees it: the states "list" shows and the targets "set" takes
/// (<see cref="DeviceStates"/> holds the one table of their names).
/// </summary>
public enum DeviceState
{
    /// <summary>No memory blocks: the device is not system RAM (devdax, or kmem with everything removed).</summary>
    Unplugged,

    /// <summary>Every block present and offline: what an interrupted per-block transition leaves.</summary>
    Offline,

    /// <summary>Some blocks online, some offline.</summary>
    Mixed,

    /// <summary>Every block online, in more than one kind of zone (or the kernel's choice, as a target).</summary>
    Online,

    /// <summary>Every block online in a kernel zone (Normal, DMA32).</summary>
    OnlineKernel,

    /// <summary>Every block online in ZONE_MOVABLE.</summary>
    OnlineMovable,
}
