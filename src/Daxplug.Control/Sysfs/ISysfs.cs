namespace Daxplug.Control.Sysfs;

/// <summary>
/// What the controller sees of a kernel: sysfs text and errno, nothing else. Paths are absolute sysfs paths
/// ("/sys/devices/system/memory/block_size_bytes"); an implementation maps them onto its root. The same controller
/// code runs on a real /sys, on a FUSE mount of the model and on the in-process model.
/// </summary>
public interface ISysfs
{
    /// <summary>A description of the root for messages ("/sys", "/tmp/m/sys", "model:default").</summary>
    string Describe { get; }

    /// <summary>True for the machine's real /sys (writes need confirmation).</summary>
    bool IsHost { get; }

    /// <summary>Reads a whole attribute; <see cref="Errno.None"/> and its text, or the errno.</summary>
    Errno Read(string path, out string text);

    /// <summary>One write() of <paramref name="value"/> (no newline added); <see cref="Errno.None"/> or the errno.</summary>
    Errno Write(string path, string value);

    /// <summary>The names in a directory; <see cref="Errno.None"/> or the errno.</summary>
    Errno List(string path, out IReadOnlyList<string> names);

    /// <summary>The target of a symlink, or null if the path is not one.</summary>
    string? ReadLink(string path);

    /// <summary>Whether the path exists (following links).</summary>
    bool Exists(string path);

    /// <summary>
    /// Reads many attributes (each as <see cref="Read"/>), results in the order of <paramref name="paths"/>. An
    /// implementation may read them concurrently: a root whose reads wait on something else (a FUSE server) does
    /// many at once. The in-process model reads them one after another, so the race lab stays deterministic.
    /// </summary>
    (Errno Errno, string Text)[] ReadAll(IReadOnlyList<string> paths)
    {
        var results = new (Errno, string)[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            results[i] = (Read(paths[i], out var text), text);
        }

        return results;
    }
}

/// <summary>Helpers over an <see cref="ISysfs"/>.</summary>
public static class SysfsExtensions
{
    /// <summary>The attribute's text without its trailing newline, or null on any error.</summary>
    public static string? ReadValue(this ISysfs sysfs, string path) =>
        sysfs.Read(path, out var text) == Errno.None ? text.TrimEnd('\n') : null;

    /// <summary>A decimal or 0x-hex attribute, or null.</summary>
    public static ulong? ReadNumber(this ISysfs sysfs, string path, bool hexWithoutPrefix = false)
    {
        var v = sysfs.ReadValue(path);
        if (v is null)
        {
            return null;
        }

        var style = System.Globalization.NumberStyles.None;
        if (hexWithoutPrefix || v.StartsWith("0x", StringComparison.Ordinal))
        {
            v = v.StartsWith("0x", StringComparison.Ordinal) ? v[2..] : v;
            style = System.Globalization.NumberStyles.AllowHexSpecifier;
        }

        return ulong.TryParse(v, style, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>The last path component of a link's target (a driver's name, a node).</summary>
    public static string? LinkName(this ISysfs sysfs, string path) => sysfs.ReadLink(path) is { } t ? t.TrimEnd('/').Split('/')[^1] : null;
}
