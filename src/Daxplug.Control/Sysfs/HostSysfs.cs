using System.Runtime.InteropServices;
using System.Text;

namespace Daxplug.Control.Sysfs;

/// <summary>
/// A sysfs on disk: the real /sys or a mount of the model. One open+write() per value so that the kernel's errno
/// comes back unchanged; EINTR is retried; nothing else is.
/// </summary>
public sealed partial class HostSysfs : ISysfs
{
    private const int ORdOnly = 0, OWrOnly = 1, OCloexec = 0x80000, EIntr = 4;
    private readonly string root;

    /// <param name="root">The directory that stands for /sys (e.g. "/sys" or "/tmp/m/sys").</param>
    public HostSysfs(string root)
    {
        this.root = Path.GetFullPath(root).TrimEnd('/');
        IsHost = this.root == "/sys";
    }

    public string Describe => root;

    public bool IsHost { get; }

    public int Read(string path, out string text)
    {
        text = "";
        int fd = Retry(() => Open(Map(path), ORdOnly | OCloexec));
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        try
        {
            var sb = new StringBuilder();
            var buf = new byte[8192];
            while (true)
            {
                long n;
                unsafe
                {
                    fixed (byte* p = buf)
                    {
                        var ptr = p;
                        n = Retry(() => ReadFd(fd, ptr, (nuint)buf.Length));
                    }
                }

                if (n < 0)
                {
                    return Marshal.GetLastPInvokeError();
                }

                if (n == 0)
                {
                    break;
                }

                sb.Append(Encoding.Latin1.GetString(buf, 0, (int)n));
            }

            text = sb.ToString();
            return 0;
        }
        finally
        {
            Close(fd);
        }
    }

    public int Write(string path, string value)
    {
        int fd = Retry(() => Open(Map(path), OWrOnly | OCloexec));
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        try
        {
            var bytes = Encoding.Latin1.GetBytes(value);
            long n;
            unsafe
            {
                fixed (byte* p = bytes)
                {
                    var ptr = p;
                    n = Retry(() => WriteFd(fd, ptr, (nuint)bytes.Length));
                }
            }

            return n < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        finally
        {
            Close(fd);
        }
    }

    public int List(string path, out IReadOnlyList<string> names)
    {
        names = [];
        try
        {
            names = Directory.EnumerateFileSystemEntries(Map(path)).Select(p => Path.GetFileName(p)!).ToList();
            return 0;
        }
        catch (DirectoryNotFoundException)
        {
            return 2;
        }
        catch (IOException)
        {
            return 20;
        }
        catch (UnauthorizedAccessException)
        {
            return 13;
        }
    }

    public string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(Map(path)).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public bool Exists(string path) => Path.Exists(Map(path));

    private string Map(string path) =>
        path == "/sys" ? root : path.StartsWith("/sys/", StringComparison.Ordinal) ? root + path[4..] : Path.Combine(root, path);

    private static T Retry<T>(Func<T> call) where T : System.Numerics.INumber<T>
    {
        while (true)
        {
            var r = call();
            if (r >= T.Zero || Marshal.GetLastPInvokeError() != EIntr)
            {
                return r;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadFd(int fd, byte* buf, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteFd(int fd, byte* buf, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
