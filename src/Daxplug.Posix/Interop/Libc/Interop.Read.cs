using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // ssize_t read(int fd, void *buf, size_t count)
        [LibraryImport(Libraries.Libc, EntryPoint = "read", SetLastError = true)]
        internal static unsafe partial nint Read(SafeFdHandle fd, byte* buf, nuint count);
    }
}
