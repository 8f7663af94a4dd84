using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int ORdOnly = 0, OWrOnly = 1, ODirectory = 0x10000, OPath = 0x200000, OCloexec = 0x80000;

        // int open(const char *path, int flags)
        [LibraryImport(Libraries.Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int OpenFd(string path, int flags);

        // The call returns an int: a SafeHandle marshalled straight from it would read -1 as 0xffffffff (rax).
        internal static SafeFdHandle Open(string path, int flags) => new(OpenFd(path, flags), ownsHandle: true);
    }
}
