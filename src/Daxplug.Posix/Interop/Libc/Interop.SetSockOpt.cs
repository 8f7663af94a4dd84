using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
        [LibraryImport(Libraries.Libc, EntryPoint = "setsockopt", SetLastError = true)]
        internal static partial int SetSockOpt(SafeFdHandle fd, int level, int name, ReadOnlySpan<byte> value, int len);
    }
}
