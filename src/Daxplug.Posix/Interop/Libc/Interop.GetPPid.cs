using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // pid_t getppid(void)
        [LibraryImport(Libraries.Libc, EntryPoint = "getppid")]
        internal static partial int GetPPid();
    }
}
