namespace Daxplug.Kernel;

/// <summary>The kernels the model can be (DESIGN.md "ABI profiles"); they differ only in dax/kmem.</summary>
public enum AbiProfile
{
    /// <summary>Linux 6.18/7.2 without the series: per-block control only.</summary>
    Mainline,

    /// <summary>The cover letter's contract: an atomic "hotplug" attribute (the default).</summary>
    Hotplug,

    /// <summary>v3 as posted, defects included.</summary>
    HotplugV3,

    /// <summary>The converged v7 "state" attribute.</summary>
    StateV7,
}

/// <summary>Profile names as the CLI and machine files spell them.</summary>
public static class AbiProfiles
{
    private static readonly string[] Names = ["mainline", "hotplug", "hotplug-v3", "state-v7"];

    public static IReadOnlyList<string> All => Names;

    public static string Name(AbiProfile profile) => Names[(int)profile];

    public static AbiProfile? Parse(string name)
    {
        int i = Array.IndexOf(Names, name);
        return i < 0 ? null : (AbiProfile)i;
    }
}
