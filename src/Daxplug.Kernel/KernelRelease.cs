using System.Globalization;

namespace Daxplug.Kernel;

/// <summary>
/// The kernel release a machine models ("6.1", "6.12", "6.18"), for the behaviours that changed between them
/// (each use names the commit's release). Only major.minor matter.
/// </summary>
public readonly record struct KernelRelease(int Major, int Minor) : IComparable<KernelRelease>
{
    public static KernelRelease Latest { get; } = new(6, 18);

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

    public bool AtLeast(int major, int minor) => CompareTo(new KernelRelease(major, minor)) >= 0;

    public int CompareTo(KernelRelease other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public override string ToString() => $"{Major}.{Minor}";
}
