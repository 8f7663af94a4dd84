using System.Runtime.InteropServices;
using System.Text;
using Daxplug.Kernel;

namespace Daxplug.Fuse;

/// <summary>
/// Serves a <see cref="ModelFileSystem"/> through libfuse3's high-level API (fuse_main_real, multithreaded,
/// foreground). Callbacks are [UnmanagedCallersOnly] statics; no exception crosses into native code (-EIO). They
/// keep no state of their own: each mount's <see cref="MountState"/> comes to them as its private_data. libfuse
/// also owns SIGINT/SIGTERM/SIGHUP, which end the loop and unmount (the loop of the server started last).
/// </summary>
public static unsafe partial class FuseServer
{
    /// <summary>
    /// Mounts at <paramref name="mountPoint"/> and serves until unmounted or signalled; <paramref name="onMounted"/>
    /// runs once the kernel has sent INIT. Returns fuse_main_real's exit code (0 clean, 8 after a signal).
    /// The kernel checks every access against the modes and owner (root) the model gives (default_permissions),
    /// as sysfs does, so a mount any user can reach is no more writable than /sys. With
    /// <paramref name="autoUnmount"/>, fusermount3 stays beside the server and unmounts when it dies, even by
    /// SIGKILL (a mount of its own, not one in a private namespace that dies with it).
    /// </summary>
    public static int Run(ModelFileSystem fileSystem, string mountPoint, Action? onMounted = null, bool autoUnmount = false)
    {
        if (!NativeLibrary.TryLoad(Interop.Libraries.Fuse, out _))
        {
            throw new IOException($"{Interop.Libraries.Fuse} not found: the live sysfs needs libfuse3 (Debian: apt-get install fuse3)");
        }

        string[] args =
        [
            "daxplug", "-f", mountPoint,
            "-o", $"fsname={FsName},subtype={FsName},allow_other,default_permissions,max_threads=16,max_idle_threads=16,entry_timeout=0,attr_timeout=0,negative_timeout=0"
                  + (autoUnmount ? ",auto_unmount" : ""),
        ];
        var ops = (nint*)NativeMemory.AllocZeroed((nuint)(Interop.Fuse.OperationCount * sizeof(nint)));
        var argv = (byte**)NativeMemory.AllocZeroed((nuint)((args.Length + 1) * sizeof(nint)));
        var state = GCHandle.Alloc(new MountState(fileSystem, onMounted));
        try
        {
            ops[Interop.Fuse.GetAttr] = (nint)(delegate* unmanaged<byte*, byte*, byte*, int>)&GetAttr;
            ops[Interop.Fuse.ReadLink] = (nint)(delegate* unmanaged<byte*, byte*, nuint, int>)&ReadLink;
            ops[Interop.Fuse.Truncate] = (nint)(delegate* unmanaged<byte*, long, byte*, int>)&Truncate;
            ops[Interop.Fuse.Open] = (nint)(delegate* unmanaged<byte*, byte*, int>)&Open;
            ops[Interop.Fuse.Read] = (nint)(delegate* unmanaged<byte*, byte*, nuint, long, byte*, int>)&Read;
            ops[Interop.Fuse.Write] = (nint)(delegate* unmanaged<byte*, byte*, nuint, long, byte*, int>)&Write;
            ops[Interop.Fuse.Release] = (nint)(delegate* unmanaged<byte*, byte*, int>)&Release;
            ops[Interop.Fuse.ReadDir] = (nint)(delegate* unmanaged<byte*, void*, nint, long, byte*, int, int>)&ReadDir;
            ops[Interop.Fuse.Init] = (nint)(delegate* unmanaged<void*, void*, void*>)&Init;
            ops[Interop.Fuse.Create] = (nint)(delegate* unmanaged<byte*, uint, byte*, int>)&Create;
            ops[Interop.Fuse.Mknod] = (nint)(delegate* unmanaged<byte*, uint, ulong, int>)&Mknod;
            ops[Interop.Fuse.Mkdir] = (nint)(delegate* unmanaged<byte*, uint, int>)&Mkdir;
            ops[Interop.Fuse.Unlink] = (nint)(delegate* unmanaged<byte*, int>)&Unlink;
            ops[Interop.Fuse.Rmdir] = (nint)(delegate* unmanaged<byte*, int>)&Unlink;
            ops[Interop.Fuse.Symlink] = (nint)(delegate* unmanaged<byte*, byte*, int>)&Symlink;
            ops[Interop.Fuse.Link] = (nint)(delegate* unmanaged<byte*, byte*, int>)&Symlink;
            ops[Interop.Fuse.Rename] = (nint)(delegate* unmanaged<byte*, byte*, uint, int>)&Rename;
            for (int i = 0; i < args.Length; i++)
            {
                argv[i] = (byte*)Marshal.StringToCoTaskMemUTF8(args[i]);
            }

            return Interop.Fuse.MainReal(args.Length, argv, ops, (nuint)(Interop.Fuse.OperationCount * sizeof(nint)), (void*)GCHandle.ToIntPtr(state));
        }
        finally
        {
            for (int i = 0; i < args.Length; i++)
            {
                Marshal.FreeCoTaskMem((nint)argv[i]);
            }

            NativeMemory.Free(argv);
            NativeMemory.Free(ops);
            state.Free();
        }
    }

    /// <summary>
    /// Ends a running server by unmounting its mount point (fusermount3 -u -z): lazily, so that a mount still in
    /// use (a shell's working directory, an open file) leaves the mount table at once; the server ends when its
    /// last user lets go.
    /// </summary>
    public static bool Unmount(string mountPoint) => IsServing(mountPoint) && Interop.Libc.Umount2(mountPoint, Interop.Libc.MntDetach) == 0;

    /// <summary>
    /// Whether the topmost mount on <paramref name="mountPoint"/> is a daxplug FUSE mount (so that an unmount
    /// never takes away a mount that was there before, or one made over it since).
    /// </summary>
    public static bool IsServing(string mountPoint)
    {
        var dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPoint));
        string? type = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER-OPTIONS
            var fields = line.Split(' ');
            int dash = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && dash > 4 && dash + 1 < fields.Length && Unescape(fields[4]) == dir)
            {
                type = fields[dash + 1];
            }
        }

        return type == $"fuse.{FsName}";

        // mountinfo writes space, tab, newline and backslash as three octal digits.
        static string Unescape(string field) => System.Text.RegularExpressions.Regex.Replace(field, @"\\([0-7]{3})",
            m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
    }

    private const string FsName = "daxplug";

    private static string PathOf(byte* path) => Marshal.PtrToStringUTF8((nint)path) ?? "/";

    /// <summary>
    /// The reply for an error. The kernel's FUSE device takes errors from 1 to 511 only: it refuses a reply with a
    /// larger one and leaves the caller waiting in D state for good (fuse_dev_do_write()), and libfuse turns 1000
    /// and more into ERANGE. A store can return a larger errno (an injected -512 or -4095 reaches userland from a
    /// real kernel as is), which no FUSE file system can pass on: it becomes ERANGE, as libfuse would make it.
    /// </summary>
    private static int Fail(Errno errno) => (int)errno is > 0 and < MaxFuseErrno ? -(int)errno : -(int)Errno.ERANGE;

    private const int MaxFuseErrno = 512;

    // A read's or write's answer: a count, or -errno made fit for FUSE.
    private static int Reply(int n) => n >= 0 ? n : Fail((Errno)(-n));

    // What init returns becomes the mount's private_data from then on: the state it was given.
    [UnmanagedCallersOnly]
    private static void* Init(void* conn, void* config)
    {
        void* privateData = Interop.Fuse.GetContext()->PrivateData;
        try
        {
            MountState.Of(privateData).OnMounted?.Invoke();
        }
        catch
        {
            // Nothing may cross into native code.
        }

        return privateData;
    }
}
