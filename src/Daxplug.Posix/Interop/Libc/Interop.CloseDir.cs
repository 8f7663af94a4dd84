using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // int closedir(DIR *dir): only SafeDirHandle calls it.
        [LibraryImport(Libraries.Libc, EntryPoint = "closedir")]
        internal static partial int CloseDir(nint dir);
    }
}
