namespace Daxplug.Kernel.Locking;

/// <summary>
/// The seam between the model and whoever runs it. In production (FUSE, many real threads) locks block for real
/// and scheduling points do nothing; the race lab substitutes a deterministic scheduler that decides who runs at
/// each point and each lock acquisition.
/// </summary>
public interface IKernelScheduler
{
    /// <summary>A place where the kernel can be preempted between two steps (between blocks, between ranges).</summary>
    void Point(string what);

    /// <summary>Blocks until <paramref name="mutex"/> is owned by the calling agent.</summary>
    void Acquire(KernelMutex mutex);

    /// <summary>Releases <paramref name="mutex"/>.</summary>
    void Release(KernelMutex mutex);
}

/// <summary>Real threads, real locks, points that do nothing.</summary>
public sealed class ThreadScheduler : IKernelScheduler
{
    public static readonly ThreadScheduler Instance = new();

    public void Point(string what)
    {
    }

    public void Acquire(KernelMutex mutex) => mutex.Gate.Wait();

    public void Release(KernelMutex mutex) => mutex.Gate.Release();
}
