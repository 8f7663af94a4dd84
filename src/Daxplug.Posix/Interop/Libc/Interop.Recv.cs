using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // ssize_t recv(int fd, void *buf, size_t len, int flags)
        [LibraryImport(Libraries.Libc, EntryPoint = "recv", SetLastError = true)]
        internal static partial nint Recv(SafeFdHandle fd, Span<byte> buf, nint len, int flags);
    }
}
