using System.Text;

namespace Daxplug.Control.Files;

/// <summary>
/// Replaces a file so that a crash at any moment leaves either the old contents or the new, never a torn file:
/// write a temporary file beside it, fsync it, rename it over the target, fsync the directory.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                fs.Write(Encoding.UTF8.GetBytes(text));
                fs.Flush(flushToDisk: true);
            }

            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }

        SyncDirectory(dir);
    }

    /// <summary>Removes a file and makes the removal durable.</summary>
    public static void Delete(string path)
    {
        var full = Path.GetFullPath(path);
        File.Delete(full);
        SyncDirectory(Path.GetDirectoryName(full)!);
    }

    // A rename or unlink is durable once the directory that holds the entry is synced.
    private static void SyncDirectory(string dir)
    {
        using var fd = Interop.Libc.Open(dir, Interop.Libc.ORdOnly | Interop.Libc.ODirectory | Interop.Libc.OCloexec);
        if (fd.IsInvalid)
        {
            throw ErrnoException.FromLastErrno($"{dir}: cannot open to sync");
        }

        if (Interop.Libc.Fsync(fd) != 0)
        {
            throw ErrnoException.FromLastErrno($"{dir}: fsync");
        }
    }
}
