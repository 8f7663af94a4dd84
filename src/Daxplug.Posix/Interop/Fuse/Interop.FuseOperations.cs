internal static partial class Interop
{
    internal static partial class Fuse
    {
        /// <summary>The number of callbacks in struct fuse_operations of libfuse 3.14.</summary>
        internal const int OperationCount = 42;

        // Operation slots used here (include/fuse.h, struct fuse_operations).
        internal const int GetAttr = 0, ReadLink = 1, Truncate = 11, Open = 12, Read = 13, Write = 14, Release = 17, ReadDir = 24, Init = 27;

        // The namespace operations sysfs refuses (struct fuse_operations order).
        internal const int Mknod = 2, Mkdir = 3, Unlink = 4, Rmdir = 5, Symlink = 6, Rename = 7, Link = 8, Create = 30;
    }
}
