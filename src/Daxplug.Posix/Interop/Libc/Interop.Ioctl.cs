using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // int ioctl(int fd, unsigned long request, void *arg)
        [LibraryImport(Libraries.Libc, EntryPoint = "ioctl")]
        internal static unsafe partial int Ioctl(SafeFdHandle fd, nuint request, void* arg);
    }
}
