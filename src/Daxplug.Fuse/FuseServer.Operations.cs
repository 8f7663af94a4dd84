using System.Runtime.InteropServices;
using System.Text;
using Daxplug.Kernel;

namespace Daxplug.Fuse;

/// <summary>The file operations: each a libfuse callback that answers from the model, never letting an exception through.</summary>
public static unsafe partial class FuseServer
{
    [UnmanagedCallersOnly]
    private static int GetAttr(byte* path, byte* st, byte* fi)
    {
        try
        {
            var mount = MountState.Current;
            var rc = mount.FileSystem.GetAttr(PathOf(path), out var entry);
            if (rc != Errno.None)
            {
                return Fail(rc);
            }

            uint type = entry.Kind switch
            {
                EntryKind.Directory => StatBuffer.IfDir,
                EntryKind.Link => StatBuffer.IfLnk,
                _ => StatBuffer.IfReg,
            };
            StatBuffer.Fill(st, type | (uint)entry.Mode, entry.Kind == EntryKind.Directory ? 2UL : 1UL, entry.Size, mount.BootTime);
            return 0;
        }
        catch
        {
            return Fail(Errno.EIO);
        }
    }

    [UnmanagedCallersOnly]
    private static int ReadLink(byte* path, byte* buf, nuint size)
    {
        try
        {
            var rc = MountState.Current.FileSystem.ReadLink(PathOf(path), out var target);
            if (rc != Errno.None)
            {
                return Fail(rc);
            }

            var bytes = Encoding.UTF8.GetBytes(target);
            int n = (int)Math.Min((ulong)bytes.Length, size - 1);
            bytes.AsSpan(0, n).CopyTo(new Span<byte>(buf, n));
            buf[n] = 0;
            return 0;
        }
        catch
        {
            return Fail(Errno.EIO);
        }
    }

    // A new file in a sysfs directory: lookup_open() finds no ->create in kernfs's directory operations (EACCES).
    [UnmanagedCallersOnly]
    private static int Create(byte* path, uint mode, byte* fi) => Fail(Errno.EACCES);

    // vfs_mknod() without ->mknod: EPERM.
    [UnmanagedCallersOnly]
    private static int Mknod(byte* path, uint mode, ulong dev) => Fail(Errno.EPERM);

    // kernfs_iop_mkdir() without syscall ops: EPERM.
    [UnmanagedCallersOnly]
    private static int Mkdir(byte* path, uint mode) => Fail(Errno.EPERM);

    // vfs_unlink() without ->unlink, kernfs_iop_rmdir() without syscall ops: EPERM.
    [UnmanagedCallersOnly]
    private static int Unlink(byte* path) => Fail(Errno.EPERM);

    // vfs_symlink()/vfs_link() without the operation: EPERM.
    [UnmanagedCallersOnly]
    private static int Symlink(byte* from, byte* to) => Fail(Errno.EPERM);

    // kernfs_iop_rename() without syscall ops: EPERM.
    [UnmanagedCallersOnly]
    private static int Rename(byte* from, byte* to, uint flags) => Fail(Errno.EPERM);

    // echo > attr opens with O_TRUNC: accept it, as sysfs does.
    [UnmanagedCallersOnly]
    private static int Truncate(byte* path, long size, byte* fi) => 0;

    [UnmanagedCallersOnly]
    private static int Open(byte* path, byte* fi)
    {
        try
        {
            var rc = MountState.Current.FileSystem.Open(PathOf(path), *(int*)fi, out var handle);
            if (rc != Errno.None)
            {
                return Fail(rc);
            }

            *(uint*)(fi + 4) |= 2;      // direct_io: no page cache, so st_size 4096 does not pad reads
            *(ulong*)(fi + 16) = handle; // fh
            return 0;
        }
        catch
        {
            return Fail(Errno.EIO);
        }
    }

    [UnmanagedCallersOnly]
    private static int Read(byte* path, byte* buf, nuint size, long offset, byte* fi)
    {
        try
        {
            var context = Interop.Fuse.GetContext();
            int pid = context->Pid;
            return Reply(MountState.Of(context->PrivateData).FileSystem.Read(*(ulong*)(fi + 16), new Span<byte>(buf, (int)Math.Min(size, int.MaxValue)), offset, () => CallerSignals.Pending(pid)));
        }
        catch
        {
            return Fail(Errno.EIO);
        }
    }

    [UnmanagedCallersOnly]
    private static int Write(byte* path, byte* buf, nuint size, long offset, byte* fi)
    {
        try
        {
            return Reply(MountState.Current.FileSystem.Write(*(ulong*)(fi + 16), new ReadOnlySpan<byte>(buf, (int)Math.Min(size, int.MaxValue))));
        }
        catch
        {
            return Fail(Errno.EIO);
        }
    }

    [UnmanagedCallersOnly]
    private static int Release(byte* path, byte* fi)
    {
        try
        {
            MountState.Current.FileSystem.Release(*(ulong*)(fi + 16));
            return 0;
        }
        catch
        {
            return Fail(Errno.EIO);
        }
    }

    [UnmanagedCallersOnly]
    private static int ReadDir(byte* path, void* buf, nint filler, long offset, byte* fi, int flags)
    {
        try
        {
            var rc = MountState.Current.FileSystem.ReadDir(PathOf(path), out var names);
            if (rc != Errno.None)
            {
                return Fail(rc);
            }

            var fill = (delegate* unmanaged<void*, byte*, byte*, long, int, int>)filler;
            foreach (var name in names.Prepend("..").Prepend("."))
            {
                var bytes = Encoding.UTF8.GetBytes(name + "\0");
                fixed (byte* p = bytes)
                {
                    if (fill(buf, p, null, 0, 0) != 0)
                    {
                        break;
                    }
                }
            }

            return 0;
        }
        catch
        {
            return Fail(Errno.EIO);
        }
    }
}
