using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // int openat(int dirfd, const char *path, int flags)
        [LibraryImport(Libraries.Libc, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int OpenAtFd(SafeFdHandle dir, string path, int flags);

        // The call returns an int: a SafeHandle marshalled straight from it would read -1 as 0xffffffff (rax).
        internal static SafeFdHandle OpenAt(SafeFdHandle dir, string path, int flags) => new(OpenAtFd(dir, path, flags), ownsHandle: true);
    }
}
