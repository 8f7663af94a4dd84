using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int MntDetach = 2;

        // int umount2(const char *target, int flags)
        [LibraryImport(Libraries.Libc, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Umount2(string target, int flags);
    }
}
