using Daxplug.Control.Sysfs;

namespace Daxplug.Control.Transitions;

/// <summary>
/// The state directory shared by daxplug instances: a lock (flock) held for a whole command that writes, and a
/// journal per sysfs target (<see cref="JournalFile"/>). The lock is re-entrant within one process, so a verb that
/// holds it (a --sim command, apply, reconfigure) can run transactions that take it again.
/// </summary>
public sealed class StateDir(string path)
{
    private readonly Lock gate = new();
    private FileStream? flock;
    private int depth;

    /// <summary>How long a command waits for another daxplug's transaction to end.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public string Path { get; } = path;

    /// <summary>The journal of a sysfs: "transaction.json" for this machine's kernel, one named after the root
    /// for any other (a mount of the model, an in-process simulated kernel).</summary>
    public JournalFile Journal(ISysfs sysfs) => new(System.IO.Path.Combine(Path, JournalName(sysfs)));

    public static string JournalName(ISysfs sysfs) =>
        sysfs.IsHost ? "transaction.json" : $"transaction-{Files.FileNames.Unique(sysfs.Describe.Trim('/'), sysfs.Describe)}.json";

    /// <summary>Whether another process holds the lock now (a transaction is under way there); null when this
    /// process may not take the lock to find out (not root).</summary>
    public bool? HeldElsewhere()
    {
        if (!File.Exists(System.IO.Path.Combine(Path, "lock")))
        {
            return false;
        }

        try
        {
            using var _ = Lock(TimeSpan.Zero);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>; dispose to release.</summary>
    public IDisposable Lock(TimeSpan timeout)
    {
        if (!gate.TryEnter(timeout))
        {
            throw new IOException($"{Path}/lock: another transaction of this process did not end within {timeout.TotalSeconds:0} s");
        }

        try
        {
            if (depth++ == 0)
            {
                flock = Take(timeout);
            }
        }
        catch
        {
            depth--;
            gate.Exit();
            throw;
        }

        return new Held(this);
    }

    private FileStream Take(TimeSpan timeout)
    {
        if (File.Exists(Path))
        {
            throw new IOException($"{Path}: not a directory (--state-dir)");
        }

        Directory.CreateDirectory(Path);
        return Files.FileLock.Take(System.IO.Path.Combine(Path, "lock"), timeout);
    }

    private void Release()
    {
        if (--depth == 0)
        {
            flock!.Dispose();
            flock = null;
        }

        gate.Exit();
    }

    private sealed class Held(StateDir dir) : IDisposable
    {
        private bool released;

        public void Dispose()
        {
            if (!released)
            {
                released = true;
                dir.Release();
            }
        }
    }
}
