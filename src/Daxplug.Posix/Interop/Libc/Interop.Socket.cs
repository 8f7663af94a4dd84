using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // int socket(int domain, int type, int protocol)
        [LibraryImport(Libraries.Libc, EntryPoint = "socket", SetLastError = true)]
        private static partial int SocketFd(int domain, int type, int protocol);

        // The call returns an int: a SafeHandle marshalled straight from it would read -1 as 0xffffffff (rax).
        internal static SafeFdHandle Socket(int domain, int type, int protocol) => new(SocketFd(domain, type, protocol), ownsHandle: true);
    }
}
