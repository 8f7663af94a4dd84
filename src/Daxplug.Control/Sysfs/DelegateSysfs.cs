namespace Daxplug.Control.Sysfs;

/// <summary>
/// An <see cref="ISysfs"/> made of functions, so that an in-process kernel can be plugged in by whoever knows it
/// (the CLI's and the lab's ModelSysfs) without the controller referencing the model.
/// </summary>
public sealed class DelegateSysfs(
    string describe,
    Func<string, (Errno Errno, string Text)> read,
    Func<string, string, Errno> write,
    Func<string, (Errno Errno, IReadOnlyList<string> Names)> list,
    Func<string, string?> readLink,
    Func<string, bool> exists) : ISysfs
{
    public string Describe { get; } = describe;

    public bool IsHost => false;

    public Errno Read(string path, out string text)
    {
        (var errno, text) = read(path);
        return errno;
    }

    public Errno Write(string path, string value) => write(path, value);

    public Errno List(string path, out IReadOnlyList<string> names)
    {
        (var errno, names) = list(path);
        return errno;
    }

    public string? ReadLink(string path) => readLink(path);

    public bool Exists(string path) => exists(path);
}
