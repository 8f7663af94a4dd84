using System.Runtime.InteropServices;

namespace Daxplug.Posix;

/// <summary>A file descriptor (a file, a directory opened with O_PATH, a socket); -1 is none. Closed on dispose.</summary>
internal sealed class SafeFdHandle : SafeHandle
{
    /// <summary>What the marshaller fills in from a call that returns a descriptor.</summary>
    public SafeFdHandle()
        : base(-1, ownsHandle: true)
    {
    }

    /// <summary>A descriptor opened elsewhere; <paramref name="ownsHandle"/> false for one this process must not close (0, 1, 2).</summary>
    public SafeFdHandle(int fd, bool ownsHandle)
        : base(-1, ownsHandle) => SetHandle(fd);

    public override bool IsInvalid => handle < 0;

    protected override bool ReleaseHandle() => Interop.Libc.Close((int)handle) == 0;
}
