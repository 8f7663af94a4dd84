namespace Daxplug.Control.Sysfs;

/// <summary>
/// An <see cref="ISysfs"/> made of functions, so that an in-process kernel can be plugged in by whoever knows it
/// (the CLI's and the lab's ModelSysfs) without the controller referencing the model.
/// </summary>
public sealed class DelegateSysfs(
    string describe,
    Func<string, (int Errno, string Text)> read,
    Func<string, string, int> write,
    Func<string, (int Errno, IReadOnlyList<string> Names)> list,
    Func<string, string?> readLink,
    Func<string, bool> exists) : ISysfs
{
    public string Describe { get; } = describe;

    public bool IsHost => false;

    public int Read(string path, out string text)
    {
        (int errno, text) = read(path);
        return errno;
    }

    public int Write(string path, string value) => write(path, value);

    public int List(string path, out IReadOnlyList<string> names)
    {
        (int errno, names) = list(path);
        return errno;
    }

    public string? ReadLink(string path) => readLink(path);

    public bool Exists(string path) => exists(path);
}
