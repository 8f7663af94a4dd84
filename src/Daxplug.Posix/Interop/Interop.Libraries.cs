internal static partial class Interop
{
    /// <summary>The native libraries daxplug calls. The CLI binds libc at link time (DirectPInvoke); libfuse3 is loaded on first use.</summary>
    internal static partial class Libraries
    {
        internal const string Libc = "libc";
        internal const string Fuse = "libfuse3.so.3";
    }
}
