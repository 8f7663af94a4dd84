using System.Runtime.InteropServices;
using System.Text;

namespace Daxplug.Control.Sysfs;

/// <summary>
/// A sysfs on disk: the real /sys or a mount of the model. One open+write() per value so that the kernel's errno
/// comes back unchanged; EINTR is retried a few times (<see cref="EintrRetries"/>); nothing else is.
/// </summary>
public sealed class HostSysfs : ISysfs
{
    private const int PageSize = 4096;

    /// <summary>
    /// How many times a call that fails with EINTR is made again. A signal interrupts a call now and then; a kernel
    /// that answers EINTR every time (a store that sees signal_pending(), an injected -EINTR) is a refusal like
    /// any other, not something to retry forever.
    /// </summary>
    public const int EintrRetries = 8;

    [ThreadStatic] private static byte[]? buffer;
    private readonly string root;
    /// <summary>Batches of at least <see cref="concurrentBatch"/> reads are spread over up to
    /// <see cref="readThreads"/> threads.</summary>
    private readonly int readThreads, concurrentBatch;

    /// <param name="root">The directory that stands for /sys (e.g. "/sys" or "/tmp/m/sys").</param>
    public HostSysfs(string root)
    {
        // Symlinks, "." and ".." resolved: "/tmp/s" that points at /sys, or "/sys/../sys", is /sys.
        this.root = (Interop.Libc.ResolvedPath(root) ?? Path.GetFullPath(root)).TrimEnd('/');
        if (this.root.Length == 0)
        {
            this.root = "/";
        }

        IsHost = IsRunningKernel(this.root);
        // A real sysfs answers in the calling thread (CPU-bound: a thread per core helps); a FUSE mount answers from
        // a server process (latency-bound: many requests in flight help).
        bool fuse = Interop.Libc.FileSystemType(this.root) == Interop.Libc.FuseSuperMagic;
        (readThreads, concurrentBatch) = fuse ? (12, 128) : (Math.Min(4, Environment.ProcessorCount), 1024);
    }

    public string Describe => root;

    public bool IsHost { get; }

    /// <summary>
    /// Whether writing under <paramref name="root"/> changes this machine: judged by what the memory directory is,
    /// not by its path. Every sysfs mount is the running kernel's, whatever path it is mounted, bind-mounted or
    /// symlinked on (statfs follows links); a FUSE mount of the model, or a copy of a sysfs on disk, is not. A root
    /// whose type cannot be read counts as this machine's (the question is only asked to be careful).
    /// </summary>
    public static bool IsRunningKernel(string root) =>
        Interop.Libc.FileSystemType(Path.Combine(root, "devices/system/memory")) is Interop.Libc.SysfsMagic or 0;

    /// <summary>Whether <paramref name="root"/> is, for sure, a sysfs (an absolute path whose memory directory is on
    /// one); unlike <see cref="IsRunningKernel"/>, an unreadable root is not.</summary>
    public static bool IsSysfs(string root) =>
        root.StartsWith('/') && Interop.Libc.FileSystemType(Path.Combine(root, "devices/system/memory")) == Interop.Libc.SysfsMagic;

    public Errno Read(string path, out string text) => ReadAt(null, Map(path), out text);

    // Opens relative to a directory descriptor (null: an absolute path) and reads the whole value.
    private static Errno ReadAt(SafeFdHandle? dir, string path, out string text)
    {
        text = "";
        using var fd = Retry(() => dir is null
            ? Interop.Libc.Open(path, Interop.Libc.ORdOnly | Interop.Libc.OCloexec)
            : Interop.Libc.OpenAt(dir, path, Interop.Libc.ORdOnly | Interop.Libc.OCloexec));
        if (fd.IsInvalid)
        {
            return Interop.LastErrno();
        }

        var buf = buffer ??= new byte[2 * PageSize];
        int total = 0;
        while (true)
        {
            if (total == buf.Length)
            {
                Array.Resize(ref buf, buf.Length * 2);
                buffer = buf;
            }

            long n;
            unsafe
            {
                fixed (byte* p = &buf[total])
                {
                    // The hot path of every listing: no retry delegate (EINTR as in Retry).
                    for (int attempt = 0; (n = Interop.Libc.Read(fd, p, (nuint)(buf.Length - total))) < 0 && Interop.LastErrno() == Errno.EINTR && attempt < EintrRetries; attempt++)
                    {
                    }
                }
            }

            if (n < 0)
            {
                return Interop.LastErrno();
            }

            total += (int)n;
            // kernfs hands out an attribute (at most a page) whole in the first read(), so a short first read
            // of a two-page buffer is all of it; anything longer (a bin file) is read to EOF. Through FUSE this
            // saves a round trip per value.
            if (n == 0 || (total == n && total < PageSize))
            {
                break;
            }
        }

        text = Encoding.Latin1.GetString(buf, 0, total);
        return Errno.None;
    }

    /// <summary>
    /// Large batches are read by several threads at once: a sysfs read is a short system call, but through a FUSE
    /// mount each is a round trip to the server that mostly waits, and the server answers many at once.
    /// </summary>
    public (Errno Errno, string Text)[] ReadAll(IReadOnlyList<string> paths)
    {
        var results = new (Errno, string)[paths.Count];
        if (paths.Count == 0)
        {
            return results;
        }

        // The batch's common directory is walked once: each value is opened relative to it (openat), which spares
        // a lookup per path component (through FUSE, a round trip each). The descriptor lives for this batch only.
        var common = paths[0][..(paths[0].LastIndexOf('/') + 1)];
        foreach (var p in paths)
        {
            while (!p.StartsWith(common, StringComparison.Ordinal))
            {
                common = common[..(common.LastIndexOf('/', common.Length - 2) + 1)];
            }
        }

        using var dir = common.Length > 1 ? Retry(() => Interop.Libc.Open(Map(common.TrimEnd('/')), Interop.Libc.OPath | Interop.Libc.ODirectory | Interop.Libc.OCloexec)) : null;
        int workers = paths.Count < concurrentBatch ? 1 : Math.Min(readThreads, paths.Count / 32);
        int next = -1;
        void Work()
        {
            for (int i = Interlocked.Increment(ref next); i < paths.Count; i = Interlocked.Increment(ref next))
            {
                results[i] = dir is { IsInvalid: false } ? (ReadAt(dir, paths[i][common.Length..], out var text), text) : (Read(paths[i], out text), text);
            }
        }

        var threads = Enumerable.Range(1, workers - 1).Select(_ => new Thread(Work) { IsBackground = true, Name = "sysfs-read" }).ToList();
        threads.ForEach(t => t.Start());
        Work();
        threads.ForEach(t => t.Join());
        return results;
    }

    public Errno Write(string path, string value)
    {
        using var fd = Retry(() => Interop.Libc.Open(Map(path), Interop.Libc.OWrOnly | Interop.Libc.OCloexec));
        if (fd.IsInvalid)
        {
            return Interop.LastErrno();
        }

        var bytes = Encoding.Latin1.GetBytes(value);
        long n;
        unsafe
        {
            fixed (byte* p = bytes)
            {
                var ptr = p;
                n = Retry(() => Interop.Libc.Write(fd, ptr, (nuint)bytes.Length));
            }
        }

        return n < 0 ? Interop.LastErrno() : Errno.None;
    }

    public unsafe Errno List(string path, out IReadOnlyList<string> names)
    {
        // opendir/readdir rather than Directory.Enumerate*, which stats every symlink (a node directory has one
        // per memory block) to learn whether it points at a directory.
        names = [];
        using var dir = Interop.Libc.OpenDir(Map(path));
        if (dir.IsInvalid)
        {
            return Interop.LastErrno();
        }

        var list = new List<string>();
        while (Interop.Libc.ReadDir(dir) is var entry && entry != null)
        {
            // d_name ends at its NUL, which may be before the 256 bytes of the declared array are mapped.
            var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + Interop.Libc.DirentNameOffset);
            if (!(name.SequenceEqual("."u8) || name.SequenceEqual(".."u8)))
            {
                list.Add(Encoding.UTF8.GetString(name));
            }
        }

        names = list;
        return Errno.None;
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
        for (int attempt = 0; ; attempt++)
        {
            var r = call();
            if (r >= T.Zero || Interop.LastErrno() != Errno.EINTR || attempt == EintrRetries)
            {
                return r;
            }
        }
    }

    // Retry for a call that opens a descriptor: an invalid one is the failure (errno left for the caller).
    private static SafeFdHandle Retry(Func<SafeFdHandle> open)
    {
        for (int attempt = 0; ; attempt++)
        {
            var fd = open();
            if (!fd.IsInvalid || Interop.LastErrno() != Errno.EINTR || attempt == EintrRetries)
            {
                return fd;
            }

            fd.Dispose();
        }
    }
}
