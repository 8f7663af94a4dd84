using Daxplug.Kernel.Locking;

namespace Daxplug.Kernel.Sysfs;

/// <summary>
/// The file-level view of the tree with sysfs's generic rules (docs/kernel-abi.md §0, fs/kernfs/file.c,
/// fs/sysfs/file.c): path resolution through relative symlinks, kernfs's open permission check, whole-show
/// reads, one write = one store() of at most 4096 bytes.
/// </summary>
public sealed class SysfsTree(KernfsDir root)
{
    /// <summary>PAGE_SIZE: the most a show() returns and a store() receives.</summary>
    public const int PageSize = 4096;

    private const int MaxSymlinkDepth = 40;

    [ThreadStatic] private static List<KernfsDir>? walkStack;

    /// <summary>The directory that "/sys" names.</summary>
    public KernfsDir Root { get; } = root;

    /// <summary>Called after every write() that reached a store(), with its path and bytes (for the journal).</summary>
    public Action<string, byte[]>? Written { get; set; }

    /// <summary>The canonical path ("/sys/…") of <paramref name="path"/> with every symlink resolved, as
    /// realpath(3) gives it.</summary>
    public Errno RealPath(string path, out string real)
    {
        var stack = new List<KernfsDir> { Root };
        var names = new List<string>();
        var rc = Walk(stack, path, true, 0, out var node, names);
        real = "/sys" + string.Concat(names.Select(n => "/" + n));
        return rc;
    }

    /// <summary>Resolves an absolute ("/sys/…") or root-relative path; symlinks are followed except, if
    /// <paramref name="followLast"/> is false, in the last component.</summary>
    public Errno Lookup(ReadOnlySpan<char> path, out KernfsNode node, bool followLast = true)
    {
        // The directories walked so far (".." pops one); reused, since a lookup is on the path of every read.
        var stack = walkStack ??= new List<KernfsDir>(16);
        stack.Clear();
        stack.Add(Root);
        var rc = Walk(stack, path, followLast, 0, out node, null);
        stack.Clear();
        return rc;
    }

    // Models the EXTRA_OPEN_PERM_CHECK part of kernfs_fop_open() (fs/kernfs/file.c): even root gets EACCES for a
    // write-open of a file without a w bit, or a read-open of a file without an r bit or a show().
    public Errno Open(ReadOnlySpan<char> path, bool read, bool write) => Open(path, read, write, out _);

    /// <summary>Open() that also hands back the node it resolved, so that whoever reads or writes it next walks the
    /// path once.</summary>
    public Errno Open(ReadOnlySpan<char> path, bool read, bool write, out KernfsNode node)
    {
        var rc = Lookup(path, out node);
        if (rc != Errno.None)
        {
            return rc;
        }

        if (node is KernfsDir)
        {
            return write ? Errno.EISDIR : Errno.None;
        }

        var attr = (KernfsAttribute)node;
        if (write && ((attr.Mode & 0x92) == 0 || !attr.CanStore))
        {
            return Errno.EACCES;
        }

        if (read && ((attr.Mode & 0x124) == 0 || !attr.CanShow))
        {
            return Errno.EACCES;
        }

        return Errno.None;
    }

    /// <summary>Reads a whole attribute (open for read + read to EOF). The path may be a span: a reader of many
    /// files can build each path in one buffer.</summary>
    public Errno Read(ReadOnlySpan<char> path, out string text)
    {
        text = "";
        var rc = Open(path, read: true, write: false, out var node);
        if (rc != Errno.None)
        {
            return rc;
        }

        if (node is not KernfsAttribute attr)
        {
            return Errno.EISDIR;
        }

        text = Show(attr);
        return Errno.None;
    }

    /// <summary>The text of an already-opened attribute, cut to PAGE_SIZE as sysfs_kf_seq_show() does.</summary>
    public static string Show(KernfsAttribute attr)
    {
        var text = attr.Show();
        return text.Length > PageSize ? text[..PageSize] : text;
    }

    /// <summary>Opens for write and writes once. Returns bytes written (≥ 0) or -errno.</summary>
    public int Write(string path, ReadOnlySpan<byte> data) => WriteAsync(path, data.ToArray()).Sync();

    /// <summary><see cref="Write(string, ReadOnlySpan{byte})"/> for an agent of the race lab, which may be suspended
    /// inside the store.</summary>
    public ValueTask<int> WriteAsync(string path, ReadOnlyMemory<byte> data)
    {
        var rc = Open(path, read: false, write: true, out var node);
        if (rc != Errno.None)
        {
            return new(-(int)rc);
        }

        return WriteOpenedAsync(path, (KernfsAttribute)node, data);
    }

    /// <summary>A write() on an attribute already opened for writing.</summary>
    public int WriteOpened(string path, KernfsAttribute attr, ReadOnlySpan<byte> data) =>
        WriteOpenedAsync(path, attr, data.ToArray()).Sync();

    // Models kernfs_fop_write_iter() + sysfs_kf_write(): at most PAGE_SIZE bytes reach store(); a zero-length
    // write returns 0 without calling it; store() sees a NUL-terminated C string.
    private ValueTask<int> WriteOpenedAsync(string path, KernfsAttribute attr, ReadOnlyMemory<byte> data)
    {
        if (data.Length == 0)
        {
            return new(0);
        }

        var chunk = data.Length > PageSize ? data[..PageSize] : data;
        var store = attr.Store(SysfsText.CString(chunk.Span));
        return store.IsCompleted ? new(Stored(path, chunk, store.Result)) : Suspended(path, chunk, store);
    }

    private async ValueTask<int> Suspended(string path, ReadOnlyMemory<byte> chunk, ValueTask<Errno> store) =>
        Stored(path, chunk, await store);

    private int Stored(string path, ReadOnlyMemory<byte> chunk, Errno rc)
    {
        Written?.Invoke(path, chunk.ToArray());
        return rc == Errno.None ? chunk.Length : -(int)rc;
    }

    /// <summary>Convenience: writes a string (as bytes, no NUL added).</summary>
    public int Write(string path, string value) => Write(path, System.Text.Encoding.Latin1.GetBytes(value));

    /// <summary>The names in a directory, or an errno.</summary>
    public Errno List(ReadOnlySpan<char> path, out IReadOnlyList<string> names)
    {
        names = [];
        var rc = Lookup(path, out var node);
        if (rc != Errno.None)
        {
            return rc;
        }

        if (node is not KernfsDir dir)
        {
            return Errno.ENOTDIR;
        }

        names = dir.List().ToList();
        return Errno.None;
    }

    // Resolves path one component at a time without splitting it: a lookup is on the path of every read, and
    // the race lab reads thousands of attributes a second. "/sys/a" and "a" name the same thing.
    private Errno Walk(List<KernfsDir> stack, ReadOnlySpan<char> path, bool followLast, int depth, out KernfsNode node, List<string>? names)
    {
        node = stack[^1];
        var rest = path;
        bool absolute = rest.StartsWith('/');
        bool first = true;
        while (NextComponent(ref rest, out var part))
        {
            if (first && absolute && part is "sys")
            {
                first = false;
                continue;
            }

            first = false;
            if (part is ".")
            {
                continue;
            }

            if (part is "..")
            {
                if (stack.Count > 1)
                {
                    stack.RemoveAt(stack.Count - 1);
                    names?.RemoveAt(names.Count - 1);
                }

                node = stack[^1];
                continue;
            }

            var child = stack[^1].Lookup(part);
            if (child is null)
            {
                return Errno.ENOENT;
            }

            bool last = OnlySlashes(rest);
            if (child is KernfsLink link && (!last || followLast))
            {
                if (depth >= MaxSymlinkDepth)
                {
                    return Errno.ELOOP;
                }

                var rc = Walk(stack, link.Target, true, depth + 1, out child, names);
                if (rc != Errno.None)
                {
                    return rc;
                }
            }

            node = child;
            if (child is KernfsDir dir)
            {
                if (child != stack[^1])
                {
                    stack.Add(dir);
                    names?.Add(dir.Name);
                }
            }
            else if (!last)
            {
                return Errno.ENOTDIR;
            }
            else if (child is not KernfsLink || !followLast)
            {
                names?.Add(child.Name);
            }
        }

        return Errno.None;
    }

    // The next non-empty component of rest, which moves past it. A plain loop: components are a few characters
    // long, shorter than a vectorized IndexOf needs to pay for itself.
    private static bool NextComponent(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> part)
    {
        int start = 0;
        while (start < rest.Length && rest[start] == '/')
        {
            start++;
        }

        int end = start;
        while (end < rest.Length && rest[end] != '/')
        {
            end++;
        }

        part = rest[start..end];
        rest = rest[end..];
        return !part.IsEmpty;
    }

    // Whether nothing but slashes is left.
    private static bool OnlySlashes(ReadOnlySpan<char> rest)
    {
        foreach (var c in rest)
        {
            if (c != '/')
            {
                return false;
            }
        }

        return true;
    }
}
