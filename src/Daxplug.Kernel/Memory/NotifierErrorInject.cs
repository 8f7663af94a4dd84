namespace Daxplug.Kernel.Memory;

/// <summary>
/// lib/memory-notifier-error-inject.c: the memory notifier that fails MEM_GOING_ONLINE / MEM_GOING_OFFLINE
/// with the errno written to debugfs (clamped to [-4095, 0]) every time until it is set back to 0.
/// </summary>
public sealed class NotifierErrorInject
{
    private const int MaxErrno = 4095;

    public int GoingOnline { get; private set; }

    public int GoingOffline { get; private set; }

    // Models debugfs_errno_set(): clamp_t(int, val, -MAX_ERRNO, 0).
    public static int Clamp(long value) => Math.Clamp(unchecked((int)value), -MaxErrno, 0);

    public void SetGoingOnline(long value) => GoingOnline = Clamp(value);

    public void SetGoingOffline(long value) => GoingOffline = Clamp(value);
}
