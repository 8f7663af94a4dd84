namespace Daxplug.Kernel;

/// <summary>
/// The kernel a user picks: a release as it shipped (6.1 … 7.3; the series' attribute, "state", is there from 7.3
/// on) or a revision of the series, on the release it names after '@' or by default on 7.2, the last release without
/// it ("hotplug-v3", "hotplug-v3@6.18"). The one table of these names: the CLI's --kernel, saved kernels and
/// schedules, and the lab matrix's columns use it.
/// </summary>
public sealed record KernelChoice(string Name, KernelRelease Release, AbiProfile Abi, string Description)
{
    private static readonly KernelRelease Merged = new(7, 3);
    private static readonly KernelRelease LastWithout = new(7, 2);

    /// <summary>The releases the oracle checks, then the revisions (each on its default release).</summary>
    public static IReadOnlyList<KernelChoice> Known { get; } =
    [
        new("7.3", Merged, AbiProfile.StateV7, "Linux 7.3: the series as merged, daxX.Y/state (the default)"),
        new("7.2", LastWithout, AbiProfile.NoAttribute, "Linux 7.2, the last release without the series: per-block control only"),
        new("6.18", new(6, 18), AbiProfile.NoAttribute, "Linux 6.18, without the series"),
        new("6.12", new(6, 12), AbiProfile.NoAttribute, "Linux 6.12, without the series"),
        new("6.1", new(6, 1), AbiProfile.NoAttribute, "Linux 6.1, without the series"),
        new("hotplug", LastWithout, AbiProfile.Hotplug, "revision: the cover letter's contract, an atomic daxX.Y/hotplug (on 7.2)"),
        new("hotplug-v3", LastWithout, AbiProfile.HotplugV3, "revision: v3 as posted, defects included, daxX.Y/hotplug (on 7.2)"),
        new("state-v7", Merged, AbiProfile.StateV7, "revision: v7 as merged, daxX.Y/state (on 7.3, where it is 7.3)"),
        new("none", LastWithout, AbiProfile.NoAttribute, "revision: no attribute at all (on 7.2, where it is 7.2)"),
    ];

    /// <summary>Linux 7.3.</summary>
    public static KernelChoice Default => Known[0];

    /// <summary>The lab matrix's columns: the last release without the series, two revisions, the release with it.</summary>
    public static IReadOnlyList<KernelChoice> Lab { get; } = [Known[1], Known[5], Known[6], Known[0]];

    /// <summary>The names for help texts and errors.</summary>
    public static string Names => string.Join(", ", Known.Select(k => k.Name)) + " (or REVISION@X.Y)";

    /// <summary>Whether this names a revision of the series rather than a release.</summary>
    public bool IsRevision => !char.IsAsciiDigit(Name[0]);

    /// <summary>A known name, a release ("X.Y", or a full one like "7.3.4"), or "REVISION@X.Y"; null for anything else.</summary>
    public static KernelChoice? Parse(string name)
    {
        if (Known.FirstOrDefault(k => k.Name == name) is { } known)
        {
            return known;
        }

        int at = name.IndexOf('@');
        if (at > 0)
        {
            return Known.FirstOrDefault(k => k.IsRevision && k.Name == name[..at]) is { } revision && ParseRelease(name[(at + 1)..]) is { } on
                ? Of(on, revision.Abi)
                : null;
        }

        return ParseRelease(name) is { } release ? Of(release) : null;
    }

    /// <summary>A release as it shipped: the series' state attribute from 7.3, none before.</summary>
    public static KernelChoice Of(KernelRelease release) =>
        Known.FirstOrDefault(k => !k.IsRevision && k.Release == release)
        ?? new(release.ToString(), release, release.CompareTo(Merged) >= 0 ? AbiProfile.StateV7 : AbiProfile.NoAttribute, $"Linux {release}");

    /// <summary>What a kernel model is: its release as shipped, else the revision on that release.</summary>
    public static KernelChoice Of(KernelRelease release, AbiProfile abi)
    {
        if (Of(release) is { } shipped && shipped.Abi == abi)
        {
            return shipped;
        }

        var revision = Known.First(k => k.IsRevision && k.Abi == abi);
        return revision.Release == release ? revision : revision with { Name = $"{revision.Name}@{release}", Release = release };
    }

    /// <summary>The lab's column for a profile.</summary>
    public static KernelChoice Of(AbiProfile abi) => Lab.First(k => k.Abi == abi);

    // A release as KernelRelease reads it ("7.3", or "7.3.4+deb13-amd64" as uname -r prints it), or null.
    private static KernelRelease? ParseRelease(string text)
    {
        try
        {
            return KernelRelease.Parse(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public override string ToString() => Name;
}
