using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // int unlinkat(int dirfd, const char *path, int flags)
        [LibraryImport(Libraries.Libc, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int UnlinkAt(SafeFdHandle dir, string path, int flags);
    }
}
