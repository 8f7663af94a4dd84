namespace Daxplug.Kernel.Locking;

/// <summary>
/// A kernel mutex: not recursive, with a rank that encodes the kernel's lock order. Taking a lock whose rank is
/// not above every lock the caller already holds is a model bug (what lockdep would report) and throws.
/// </summary>
public sealed class KernelMutex
{
    [ThreadStatic] private static List<KernelMutex>? held;

    private readonly Func<IKernelScheduler> scheduler;

    public KernelMutex(string name, int rank, Func<IKernelScheduler> scheduler)
    {
        Name = name;
        Rank = rank;
        this.scheduler = scheduler;
    }

    public string Name { get; }

    /// <summary>Position in the lock order: a lock may only be taken while holding locks of lower rank.</summary>
    public int Rank { get; }

    /// <summary>The real semaphore used by <see cref="ThreadScheduler"/>.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>True if the calling thread holds this lock.</summary>
    public bool HeldByCurrentThread => held?.Contains(this) == true;

    /// <summary>
    /// Forgets the locks the calling thread held: for a thread that is reused for another agent after its last one
    /// was aborted mid-way (the race lab ends a deadlocked schedule by unwinding its agents).
    /// </summary>
    public static void ForgetHeldByCurrentThread() => held?.Clear();

    public void Lock()
    {
        held ??= [];
        foreach (var h in held)
        {
            if (h.Rank >= Rank)
            {
                throw new InvalidOperationException($"lock order violation: {Name} taken while holding {h.Name}");
            }
        }

        scheduler().Acquire(this);
        held.Add(this);
    }

    public void Unlock()
    {
        if (held is null || !held.Remove(this))
        {
            throw new InvalidOperationException($"{Name} released by a thread that does not hold it");
        }

        scheduler().Release(this);
    }

    /// <summary>Takes the lock for the lifetime of the returned scope (<c>using var _ = m.Hold();</c>).</summary>
    public Scope Hold()
    {
        Lock();
        return new Scope(this);
    }

    public readonly struct Scope(KernelMutex mutex) : IDisposable
    {
        public void Dispose() => mutex.Unlock();
    }
}
