using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>glibc's struct dirent on 64-bit Linux: d_ino, d_off, d_reclen, d_type, then d_name.</summary>
        internal const int DirentNameOffset = 19;

        // struct dirent *readdir(DIR *dir)
        [LibraryImport(Libraries.Libc, EntryPoint = "readdir")]
        internal static unsafe partial byte* ReadDir(SafeDirHandle dir);
    }
}
