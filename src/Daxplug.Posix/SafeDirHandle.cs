using System.Runtime.InteropServices;

namespace Daxplug.Posix;

/// <summary>A directory stream (DIR *) from opendir(3); closedir(3) on dispose.</summary>
internal sealed class SafeDirHandle : SafeHandle
{
    public SafeDirHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => Interop.Libc.CloseDir(handle) == 0;
}
