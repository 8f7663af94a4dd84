using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // int fsync(int fd)
        [LibraryImport(Libraries.Libc, EntryPoint = "fsync", SetLastError = true)]
        internal static partial int Fsync(SafeFdHandle fd);
    }
}
