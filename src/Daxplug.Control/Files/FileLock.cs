namespace Daxplug.Control.Files;

/// <summary>
/// An exclusive flock() on a lock file beside what it guards, taken by polling until a deadline; the kernel drops
/// it when the process dies, however it dies. (A lock on the guarded file itself would not do: that file is
/// replaced by a rename on every change, so a waiter would end up holding the old one.)
/// </summary>
public static class FileLock
{
    /// <summary>Takes the lock on <paramref name="path"/> (created if need be); dispose the stream to release it.</summary>
    public static FileStream Take(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock() on Linux.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            catch (IOException) when (File.Exists(path))
            {
                throw new IOException($"{path}: another daxplug has held it for {timeout.TotalSeconds:0} s; try again when it has finished");
            }
        }
    }
}
