using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const uint SIfIfo = 0x1000, SIfChr = 0x2000;

        // int mknod(const char *path, mode_t mode, dev_t dev)
        [LibraryImport(Libraries.Libc, EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Mknod(string path, uint mode, ulong dev);

        // gnu_dev_makedev() for a dev_t.
        internal static ulong MakeDev(uint major, uint minor) =>
            ((ulong)(major & 0xfff) << 8) | ((ulong)(major & ~0xfffu) << 32) | (minor & 0xffu) | ((ulong)(minor & ~0xffu) << 12);
    }
}
