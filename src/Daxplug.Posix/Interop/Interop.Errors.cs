using System.Runtime.InteropServices;
using Daxplug.Posix;

internal static partial class Interop
{
    /// <summary>The errno the last call imported with SetLastError = true left on this thread.</summary>
    internal static Errno LastErrno() => (Errno)Marshal.GetLastPInvokeError();
}
