namespace Daxplug.Kernel;

/// <summary>
/// How dax/kmem lets userland hot-plug a whole device: the kernel variants the model has (docs/abi-profiles.md "What the attributes do").
/// Users name them through <see cref="KernelChoice"/>: a release brings its own (7.3: StateV7, before: NoAttribute).
/// </summary>
public enum AbiProfile
{
    /// <summary>No attribute: per-block control only (every release before 7.3).</summary>
    NoAttribute,

    /// <summary>The series' cover-letter contract: an atomic "hotplug" attribute.</summary>
    Hotplug,

    /// <summary>The series' v3 as posted, defects included.</summary>
    HotplugV3,

    /// <summary>The series as merged (v7): the "state" attribute of Linux 7.3.</summary>
    StateV7,
}
