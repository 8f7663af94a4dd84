using System.Runtime.InteropServices;

namespace Daxplug.Control;

/// <summary>The libc calls the controller makes (x86-64 glibc), each as the C prototype says.</summary>
internal static unsafe partial class Interop
{
    internal static partial class Libc
    {
        internal const int ORdOnly = 0, OWrOnly = 1, ODirectory = 0x10000, OPath = 0x200000, OCloexec = 0x80000, AtFdCwd = -100;
        internal const int EIntr = 4;

        /// <summary>statfs f_type of a real sysfs and of a FUSE mount.</summary>
        internal const long SysfsMagic = 0x62656572, FuseSuperMagic = 0x65735546;

        // int open(const char *path, int flags)
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Open(string path, int flags);

        // int openat(int dirfd, const char *path, int flags)
        [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int OpenAt(int dirFd, string path, int flags);

        // ssize_t read(int fd, void *buf, size_t count)
        [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
        internal static partial nint Read(int fd, byte* buf, nuint count);

        // ssize_t write(int fd, const void *buf, size_t count)
        [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
        internal static partial nint Write(int fd, byte* buf, nuint count);

        // int close(int fd)
        [LibraryImport("libc", EntryPoint = "close")]
        internal static partial int Close(int fd);

        // int fsync(int fd)
        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        internal static partial int Fsync(int fd);

        // DIR *opendir(const char *path)
        [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial nint OpenDir(string path);

        // struct dirent *readdir(DIR *dir)
        [LibraryImport("libc", EntryPoint = "readdir")]
        internal static partial byte* ReadDir(nint dir);

        // int closedir(DIR *dir)
        [LibraryImport("libc", EntryPoint = "closedir")]
        internal static partial int CloseDir(nint dir);

        // int socket(int domain, int type, int protocol)
        [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
        internal static partial int Socket(int domain, int type, int protocol);

        // int bind(int fd, const struct sockaddr *addr, socklen_t len)
        [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
        internal static partial int Bind(int fd, ReadOnlySpan<byte> addr, int len);

        // int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
        [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
        internal static partial int SetSockOpt(int fd, int level, int name, ReadOnlySpan<byte> value, int len);

        // ssize_t recv(int fd, void *buf, size_t len, int flags)
        [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
        internal static partial nint Recv(int fd, Span<byte> buf, nint len, int flags);

        /// <summary>glibc's struct dirent on 64-bit Linux: d_ino, d_off, d_reclen, d_type, then d_name.</summary>
        internal const int DirentNameOffset = 19;

        // int statfs(const char *path, struct statfs *buf): f_type first.
        [LibraryImport("libc", EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int StatFs(string path, long* buf);

        // char *realpath(const char *path, char *resolved): resolved holds PATH_MAX bytes.
        [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial byte* RealPath(string path, byte* resolved);

        /// <summary>The file system type (statfs f_type) of a path, or 0 if it cannot be read.</summary>
        internal static long FileSystemType(string path)
        {
            var buf = stackalloc long[32];
            return StatFs(path, buf) == 0 ? buf[0] : 0;
        }

        /// <summary>The path with every symlink, "." and ".." resolved, or null if it does not exist.</summary>
        internal static string? ResolvedPath(string path)
        {
            var buf = stackalloc byte[4096];
            return RealPath(path, buf) == null ? null : Marshal.PtrToStringUTF8((nint)buf);
        }
    }
}
