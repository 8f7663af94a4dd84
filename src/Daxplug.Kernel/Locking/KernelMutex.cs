namespace Daxplug.Kernel.Locking;

/// <summary>
/// A kernel mutex: not recursive, with a rank that encodes the kernel's lock order. Taking a lock whose rank is
/// not above every lock the caller already holds is a model bug (what lockdep would report) and throws.
/// </summary>
public sealed class KernelMutex
{
    private readonly Func<IKernelScheduler> scheduler;
    private string? lockPoint, waitPoint, unlockPoint;

    public KernelMutex(string name, int rank, Func<IKernelScheduler> scheduler)
    {
        Name = name;
        Rank = rank;
        this.scheduler = scheduler;
    }

    public string Name { get; }

    /// <summary>The names of the scheduling points at this lock (a scheduler's trace shows them), made once.</summary>
    public string LockPoint => lockPoint ??= "lock " + Name;

    /// <inheritdoc cref="LockPoint"/>
    public string WaitPoint => waitPoint ??= "wait " + Name;

    /// <inheritdoc cref="LockPoint"/>
    public string UnlockPoint => unlockPoint ??= "unlock " + Name;

    /// <summary>Position in the lock order: a lock may only be taken while holding locks of lower rank.</summary>
    public int Rank { get; }

    /// <summary>The real semaphore used by <see cref="ThreadScheduler"/>.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>True if the calling agent (or thread) holds this lock.</summary>
    public bool HeldByCurrentThread => scheduler().Held.Contains(this);

    public async ValueTask Lock()
    {
        var sched = scheduler();
        foreach (var h in sched.Held)
        {
            if (h.Rank >= Rank)
            {
                throw new InvalidOperationException($"lock order violation: {Name} taken while holding {h.Name}");
            }
        }

        await sched.Acquire(this);
        sched.Held.Add(this);
    }

    public ValueTask Unlock()
    {
        var sched = scheduler();
        if (!sched.Held.Remove(this))
        {
            throw new InvalidOperationException($"{Name} released by a thread that does not hold it");
        }

        return sched.Release(this);
    }

    /// <summary>Takes the lock for the lifetime of the returned scope
    /// (<c>await using var _ = await m.Hold();</c>).</summary>
    public async ValueTask<Scope> Hold()
    {
        await Lock();
        return new Scope(this);
    }

    public readonly struct Scope(KernelMutex mutex) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => mutex.Unlock();
    }
}
