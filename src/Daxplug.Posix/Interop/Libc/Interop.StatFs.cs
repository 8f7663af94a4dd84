using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>statfs f_type of a real sysfs and of a FUSE mount.</summary>
        internal const long SysfsMagic = 0x62656572, FuseSuperMagic = 0x65735546;

        // int statfs(const char *path, struct statfs *buf): f_type first.
        [LibraryImport(Libraries.Libc, EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial int StatFs(string path, long* buf);

        /// <summary>The file system type (statfs f_type) of a path, or 0 if it cannot be read.</summary>
        internal static unsafe long FileSystemType(string path)
        {
            var buf = stackalloc long[32];
            return StatFs(path, buf) == 0 ? buf[0] : 0;
        }
    }
}
