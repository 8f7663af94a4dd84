using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // int bind(int fd, const struct sockaddr *addr, socklen_t len)
        [LibraryImport(Libraries.Libc, EntryPoint = "bind", SetLastError = true)]
        internal static partial int Bind(SafeFdHandle fd, ReadOnlySpan<byte> addr, int len);
    }
}
