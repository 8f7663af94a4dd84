using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Fuse
    {
        // int fuse_main_real(int argc, char *argv[], const struct fuse_operations *op, size_t op_size, void *private_data):
        // private_data is what fuse_get_context() hands every callback of this mount.
        [LibraryImport(Libraries.Fuse, EntryPoint = "fuse_main_real")]
        internal static unsafe partial int MainReal(int argc, byte** argv, nint* operations, nuint operationsSize, void* privateData);
    }
}
