using System.Runtime.InteropServices;

namespace Daxplug.Fuse;

internal static unsafe partial class Interop
{
    internal static partial class Fuse
    {
        internal const string Library = "libfuse3.so.3";

        /// <summary>The number of callbacks in struct fuse_operations of libfuse 3.14.</summary>
        internal const int OperationCount = 42;

        // Operation slots used here (include/fuse.h, struct fuse_operations).
        internal const int GetAttr = 0, ReadLink = 1, Truncate = 11, Open = 12, Read = 13, Write = 14, Release = 17, ReadDir = 24, Init = 27;

        // The namespace operations sysfs refuses (struct fuse_operations order).
        internal const int Mknod = 2, Mkdir = 3, Unlink = 4, Rmdir = 5, Symlink = 6, Rename = 7, Link = 8, Create = 30;

        // int fuse_main_real(int argc, char *argv[], const struct fuse_operations *op, size_t op_size, void *private_data)
        /// <summary>fuse_get_context(): the caller of the request this thread handles (pid at offset 16).</summary>
        [LibraryImport(Library, EntryPoint = "fuse_get_context")]
        internal static partial byte* GetContext();

        [LibraryImport(Library, EntryPoint = "fuse_main_real")]
        internal static partial int MainReal(int argc, byte** argv, nint* operations, nuint operationsSize, void* privateData);
    }

    internal static partial class Libc
    {
        internal const ulong MsNodev = 4, MsBind = 4096, MsRec = 16384, MsPrivate = 1 << 18;
        internal const int MntDetach = 2;
        internal const uint SIfChr = 0x2000;

        // int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)
        [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Mount(string source, string target, string? fstype, ulong flags, string? data);

        // int umount2(const char *target, int flags)
        [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Umount2(string target, int flags);

        // int mknod(const char *path, mode_t mode, dev_t dev)
        [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Mknod(string path, uint mode, ulong dev);

        internal const int ODirectory = 0x10000, OPath = 0x200000, OCloexec = 0x80000;

        // int open(const char *path, int flags)
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Open(string path, int flags);

        // int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
        [LibraryImport("libc", EntryPoint = "mknodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Mknodat(int dirfd, string path, uint mode, ulong dev);

        // int unlinkat(int dirfd, const char *path, int flags)
        [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Unlinkat(int dirfd, string path, int flags);

        // int close(int fd)
        [LibraryImport("libc", EntryPoint = "close")]
        internal static partial int Close(int fd);

        // uid_t geteuid(void)
        [LibraryImport("libc", EntryPoint = "geteuid")]
        internal static partial uint Geteuid();

        // pid_t getppid(void)
        [LibraryImport("libc", EntryPoint = "getppid")]
        internal static partial int Getppid();

        // gnu_dev_makedev() for a dev_t.
        internal static ulong MakeDev(uint major, uint minor) =>
            ((ulong)(major & 0xfff) << 8) | ((ulong)(major & ~0xfffu) << 32) | (minor & 0xffu) | ((ulong)(minor & ~0xffu) << 12);
    }
}
