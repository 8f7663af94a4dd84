using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // ssize_t write(int fd, const void *buf, size_t count)
        [LibraryImport(Libraries.Libc, EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint Write(SafeFdHandle fd, byte* buf, nuint count);
    }
}
