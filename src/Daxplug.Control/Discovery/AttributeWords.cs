using Daxplug.Control.Transitions;

namespace Daxplug.Control.Discovery;

/// <summary>What each revision of the series' per-device attribute takes for a target state: one table per revision.</summary>
public static class AttributeWords
{
    // "hotplug" (v1-v4 and the cover letter): unplug, online, online_movable; no word for a kernel zone alone.
    private static readonly Dictionary<DeviceState, string> Hotplug = new()
    {
        [DeviceState.Unplugged] = "unplug",
        [DeviceState.Online] = "online",
        [DeviceState.OnlineMovable] = "online_movable",
    };

    // "state" (v5-v7, Linux 7.3): the controller's own names, offline excluded (read, never written).
    private static readonly Dictionary<DeviceState, string> State = new()
    {
        [DeviceState.Unplugged] = "unplugged",
        [DeviceState.Online] = "online",
        [DeviceState.OnlineKernel] = "online_kernel",
        [DeviceState.OnlineMovable] = "online_movable",
    };

    /// <summary>The word <paramref name="kind"/> accepts for <paramref name="target"/>, or null if it has none.</summary>
    public static string? For(AttributeKind kind, DeviceState target) =>
        (kind == AttributeKind.Hotplug ? Hotplug : State).GetValueOrDefault(target);
}
