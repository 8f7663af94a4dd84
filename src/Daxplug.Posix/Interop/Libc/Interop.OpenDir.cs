using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // DIR *opendir(const char *path)
        [LibraryImport(Libraries.Libc, EntryPoint = "opendir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial SafeDirHandle OpenDir(string path);
    }
}
