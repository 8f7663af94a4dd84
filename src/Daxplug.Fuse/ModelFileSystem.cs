using System.Collections.Concurrent;
using System.Text;
using Daxplug.Kernel;
using Daxplug.Kernel.Proc;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Fuse;

/// <summary>What a path is, as getattr reports it.</summary>
public enum EntryKind
{
    Directory,
    File,
    Link,
}

/// <summary>One getattr answer: kind, permission bits and size.</summary>
public readonly record struct FileEntry(EntryKind Kind, int Mode, long Size);

/// <summary>
/// The mounted tree, free of native code so that it is tested without a mount: "/sys" is the model's sysfs,
/// "/proc" its memory files (<see cref="ProcFiles"/>) and "/dev/kmsg" its log. Reads are snapshots per open file,
/// as kernfs's seq_file takes them (a read of /dev/kmsg is one record); one write() is one store().
/// </summary>
public sealed class ModelFileSystem(KernelModel kernel)
{
    private readonly ConcurrentDictionary<ulong, OpenFile> open = new();
    private long nextHandle;

    public KernelModel Kernel { get; } = kernel;

    public Errno GetAttr(string path, out FileEntry entry)
    {
        entry = default;
        if (path is "/" or "/proc" or "/dev")
        {
            entry = new FileEntry(EntryKind.Directory, 0x1ed, 0);
            return Errno.None;
        }

        if (path == Kmsg)
        {
            entry = new FileEntry(EntryKind.File, 0x1a4, 0);
            return Errno.None;
        }

        if (ProcName(path) is not null)
        {
            entry = new FileEntry(EntryKind.File, 0x124, 0);
            return Errno.None;
        }

        if (SysPath(path) is not { } sys)
        {
            return Errno.ENOENT;
        }

        var rc = Kernel.Sysfs.Lookup(sys, out var node, followLast: false);
        if (rc != Errno.None)
        {
            return rc;
        }

        entry = node switch
        {
            KernfsDir => new FileEntry(EntryKind.Directory, 0x1ed, 0),
            KernfsLink link => new FileEntry(EntryKind.Link, 0x1ff, Encoding.UTF8.GetByteCount(link.Target)),
            KernfsAttribute attr => new FileEntry(EntryKind.File, attr.Mode, SysfsTree.PageSize),
            _ => default,
        };
        return Errno.None;
    }

    public Errno ReadLink(string path, out string target)
    {
        target = "";
        if (SysPath(path) is not { } sys)
        {
            return Errno.EINVAL;
        }

        var rc = Kernel.Sysfs.Lookup(sys, out var node, followLast: false);
        if (rc != Errno.None)
        {
            return rc;
        }

        if (node is not KernfsLink link)
        {
            return Errno.EINVAL;
        }

        target = link.Target;
        return Errno.None;
    }

    public Errno ReadDir(string path, out IReadOnlyList<string> names)
    {
        switch (path)
        {
            case "/":
                names = ["sys", "proc", "dev"];
                return Errno.None;
            case "/proc":
                names = ProcFiles.Names;
                return Errno.None;
            case "/dev":
                names = ["kmsg"];
                return Errno.None;
        }

        names = [];
        return SysPath(path) is { } sys ? Kernel.Sysfs.List(sys, out names) : Errno.ENOENT;
    }

    /// <summary>open(2) with O_ACCMODE of <paramref name="flags"/>; kernfs's permission rules.</summary>
    public Errno Open(string path, int flags, out ulong handle)
    {
        handle = 0;
        bool read = (flags & 3) != 1, write = (flags & 3) != 0;
        KernfsAttribute? attr = null;
        if (path == Kmsg)
        {
            // devkmsg_open(): a reader starts at the oldest record still in the ring.
            handle = (ulong)Interlocked.Increment(ref nextHandle);
            open[handle] = new OpenFile(null, null, null) { Kmsg = true, NonBlocking = (flags & ONonblock) != 0, NextSeq = Kernel.Log.Next(0)?.Seq ?? 0 };
            return Errno.None;
        }

        if (ProcName(path) is not null)
        {
            if (write)
            {
                return Errno.EACCES;
            }
        }
        else
        {
            if (SysPath(path) is not { } sys)
            {
                return Errno.ENOENT;
            }

            var rc = Kernel.Sysfs.Open(sys, read, write, out var node);
            if (rc != Errno.None)
            {
                return rc;
            }

            attr = node as KernfsAttribute;
        }

        handle = (ulong)Interlocked.Increment(ref nextHandle);
        open[handle] = new OpenFile(attr, SysPath(path), ProcName(path));
        return Errno.None;
    }

    /// <summary>read(2): bytes copied, or -errno. The text is taken at offset 0 and kept for this open file.</summary>
    public int Read(ulong handle, Span<byte> buffer, long offset, Func<bool>? interrupted = null)
    {
        if (!open.TryGetValue(handle, out var file))
        {
            return -(int)Errno.EBADF;
        }

        if (file.Kmsg)
        {
            return ReadKmsg(handle, file, buffer, interrupted);
        }

        if (offset == 0 || file.Text is null)
        {
            file.Text = Encoding.Latin1.GetBytes(file.Attr is { } attr ? SysfsTree.Show(attr) : ProcFiles.Show(Kernel, file.ProcName!) ?? "");
        }

        if (offset >= file.Text.Length)
        {
            return 0;
        }

        int n = (int)Math.Min(buffer.Length, file.Text.Length - offset);
        file.Text.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }

    /// <summary>write(2): one store() of at most 4096 bytes; bytes consumed, or -errno.</summary>
    public int Write(ulong handle, ReadOnlySpan<byte> data)
    {
        if (open.TryGetValue(handle, out var kmsg) && kmsg.Kmsg)
        {
            var rc = Kernel.Log.WriteKmsg(Encoding.Latin1.GetString(data));
            return rc == Errno.None ? data.Length : -(int)rc;
        }

        if (!open.TryGetValue(handle, out var file) || file.Attr is null || file.SysPath is null)
        {
            return -(int)Errno.EBADF;
        }

        return Kernel.Sysfs.WriteOpened(file.SysPath, file.Attr, data);
    }

    // devkmsg_read(): one whole record per read (EINVAL if it does not fit); at the end EAGAIN for O_NONBLOCK, else
    // wait for the next record, or EINTR when the reader gets a signal (FUSE waits for the answer to a request it
    // has sent, so the reader could not even die otherwise) or the file is released.
    private int ReadKmsg(ulong handle, OpenFile file, Span<byte> buffer, Func<bool>? interrupted)
    {
        while (true)
        {
            if (Kernel.Log.Next(file.NextSeq) is { } record)
            {
                var bytes = Encoding.Latin1.GetBytes(record.Kmsg());
                if (bytes.Length > buffer.Length)
                {
                    return -(int)Errno.EINVAL;
                }

                file.NextSeq = record.Seq + 1;
                bytes.CopyTo(buffer);
                return bytes.Length;
            }

            if (file.NonBlocking)
            {
                return -(int)Errno.EAGAIN;
            }

            if (!open.ContainsKey(handle) || interrupted?.Invoke() == true)
            {
                return -(int)Errno.EINTR;
            }

            Thread.Sleep(50);
        }
    }

    public void Release(ulong handle) => open.TryRemove(handle, out _);

    /// <summary>The files currently open (for tests: every open is released).</summary>
    public int OpenFiles => open.Count;

    private static string? SysPath(string path) =>
        path == "/sys" || path.StartsWith("/sys/", StringComparison.Ordinal) ? path : null;

    // The name of a /proc file the model serves, else null.
    private static string? ProcName(string path) =>
        path.StartsWith("/proc/", StringComparison.Ordinal) && ProcFiles.Names.Contains(path[6..]) ? path[6..] : null;

    private const string Kmsg = "/dev/kmsg";
    private const int ONonblock = 0x800;

    private sealed class OpenFile(KernfsAttribute? attr, string? sysPath, string? procName)
    {
        /// <summary>/dev/kmsg: records are read one per read() from NextSeq on.</summary>
        public bool Kmsg { get; init; }

        public bool NonBlocking { get; init; }

        public long NextSeq { get; set; }

        public string? ProcName { get; } = procName;

        public KernfsAttribute? Attr { get; } = attr;

        public string? SysPath { get; } = sysPath;

        public byte[]? Text { get; set; }
    }
}
