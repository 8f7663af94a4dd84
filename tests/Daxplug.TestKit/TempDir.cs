namespace Daxplug.TestKit;

/// <summary>A temporary directory removed at dispose, also when the test failed.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "daxplug-test-" + Guid.NewGuid().ToString("n")[..12]);

    /// <summary>Every file and symlink below <paramref name="dir"/>, without descending into symlinked directories.</summary>
    public static IEnumerable<string> Walk(string dir)
    {
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo sub && sub.LinkTarget is null)
            {
                foreach (var inner in Walk(sub.FullName))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return entry.FullName;
            }
        }
    }

    /// <summary>Reads a sysfs file to EOF (st_size is 4096, so File.ReadAllBytes would expect more).</summary>
    public static byte[] ReadSysfs(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
