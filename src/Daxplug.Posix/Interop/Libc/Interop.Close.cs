using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // int close(int fd): only SafeFdHandle calls it.
        [LibraryImport(Libraries.Libc, EntryPoint = "close")]
        internal static partial int Close(int fd);
    }
}
