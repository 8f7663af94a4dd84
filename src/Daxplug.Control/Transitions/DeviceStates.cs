namespace Daxplug.Control.Transitions;

/// <summary>The names of <see cref="DeviceState"/> (7.3's words for its state attribute) and which are targets.</summary>
public static class DeviceStates
{
    private static readonly string[] Names = ["unplugged", "offline", "mixed", "online", "online_kernel", "online_movable"];

    /// <summary>
    /// What "set" can aim for. Not offline: it is the half-way state a per-block transition passes through, and 7.3's
    /// state attribute shows it but refuses to have it written; to take the memory away, unplug it.
    /// </summary>
    public static IReadOnlyList<DeviceState> Targets { get; } = [DeviceState.Unplugged, DeviceState.Online, DeviceState.OnlineKernel, DeviceState.OnlineMovable];

    /// <summary>The target names, for help, errors and completion.</summary>
    public static IReadOnlyList<string> TargetNames { get; } = [.. Targets.Select(Name)];

    /// <summary>"unplugged", "online_movable", …</summary>
    public static string Name(this DeviceState state) => Names[(int)state];

    /// <summary>The state a name stands for, or null.</summary>
    public static DeviceState? Parse(string name) => Array.IndexOf(Names, name) is var i and >= 0 ? (DeviceState)i : null;

    /// <summary>Whether "set" can aim for it.</summary>
    public static bool IsTarget(this DeviceState state) => Targets.Contains(state);
}
