namespace Daxplug.Kernel.Locking;

/// <summary>
/// The seam between the model and whoever runs it. In production (FUSE, many real threads) locks block for real
/// and scheduling points do nothing; the race lab substitutes a deterministic scheduler that decides who runs at
/// each point and each lock acquisition. Every call returns a <see cref="ValueTask"/>: on real threads it has
/// always completed when it returns; the lab's single-threaded scheduler suspends an agent there instead, so
/// switching agents costs no thread switch.
/// </summary>
public interface IKernelScheduler
{
    /// <summary>A place where the kernel can be preempted between two steps (between blocks, between ranges).</summary>
    ValueTask Point(string what);

    /// <summary>Completes when <paramref name="mutex"/> is owned by the calling agent.</summary>
    ValueTask Acquire(KernelMutex mutex);

    /// <summary>Releases <paramref name="mutex"/>.</summary>
    ValueTask Release(KernelMutex mutex);

    /// <summary>The locks the calling agent (or thread) holds, in the order it took them (lockdep's held list).</summary>
    List<KernelMutex> Held { get; }
}

/// <summary>Real threads, real locks, points that do nothing.</summary>
public sealed class ThreadScheduler : IKernelScheduler
{
    public static readonly ThreadScheduler Instance = new();

    [ThreadStatic] private static List<KernelMutex>? held;

    public List<KernelMutex> Held => held ??= [];

    public ValueTask Point(string what) => ValueTask.CompletedTask;

    public ValueTask Acquire(KernelMutex mutex)
    {
        mutex.Gate.Wait();
        return ValueTask.CompletedTask;
    }

    public ValueTask Release(KernelMutex mutex)
    {
        mutex.Gate.Release();
        return ValueTask.CompletedTask;
    }
}
