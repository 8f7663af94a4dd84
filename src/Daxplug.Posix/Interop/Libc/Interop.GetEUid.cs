using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // uid_t geteuid(void)
        [LibraryImport(Libraries.Libc, EntryPoint = "geteuid")]
        internal static partial uint GetEUid();
    }
}
