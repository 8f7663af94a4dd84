using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Fuse
    {
        /// <summary>struct fuse_context (include/fuse.h): the request this thread handles, and the mount's private_data.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct Context
        {
            public nint Fuse;
            public uint Uid;
            public uint Gid;
            public int Pid;
            public void* PrivateData;
            public uint Umask;
        }

        // struct fuse_context *fuse_get_context(void)
        [LibraryImport(Libraries.Fuse, EntryPoint = "fuse_get_context")]
        internal static unsafe partial Context* GetContext();
    }
}
