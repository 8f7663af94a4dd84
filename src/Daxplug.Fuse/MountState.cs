using System.Runtime.InteropServices;

namespace Daxplug.Fuse;

/// <summary>
/// What the callbacks of one mount work on. libfuse hands it to each of them as the mount's private_data
/// (fuse_get_context()->private_data, a GCHandle), so that two servers in one process never share state.
/// </summary>
internal sealed class MountState(ModelFileSystem fileSystem, Action? onMounted)
{
    public ModelFileSystem FileSystem { get; } = fileSystem;

    /// <summary>Runs once the kernel has sent INIT.</summary>
    public Action? OnMounted { get; } = onMounted;

    /// <summary>Every file's times: when the mount was made, as a sysfs's are the boot's.</summary>
    public long BootTime { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The state of the mount whose request this thread is handling.</summary>
    public static unsafe MountState Current => Of(Interop.Fuse.GetContext()->PrivateData);

    public static unsafe MountState Of(void* privateData) => (MountState)GCHandle.FromIntPtr((nint)privateData).Target!;
}
