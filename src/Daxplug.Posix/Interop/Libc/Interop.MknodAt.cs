using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
        [LibraryImport(Libraries.Libc, EntryPoint = "mknodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int MknodAt(SafeFdHandle dir, string path, uint mode, ulong dev);
    }
}
