using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // char *realpath(const char *path, char *resolved): resolved holds PATH_MAX bytes.
        [LibraryImport(Libraries.Libc, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial byte* RealPath(string path, byte* resolved);

        /// <summary>The path with every symlink, "." and ".." resolved, or null if it does not exist.</summary>
        internal static unsafe string? ResolvedPath(string path)
        {
            var buf = stackalloc byte[4096];
            return RealPath(path, buf) == null ? null : Marshal.PtrToStringUTF8((nint)buf);
        }
    }
}
