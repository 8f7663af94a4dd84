using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const ulong MsNodev = 4, MsBind = 4096, MsRec = 16384, MsPrivate = 1 << 18;

        // int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)
        [LibraryImport(Libraries.Libc, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Mount(string source, string target, string? fstype, ulong flags, string? data);
    }
}
