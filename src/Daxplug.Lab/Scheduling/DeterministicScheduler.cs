using System.Threading.Tasks.Sources;
using Daxplug.Kernel.Locking;

namespace Daxplug.Lab.Scheduling;

/// <summary>One step of a schedule: which agent ran, from which point (<paramref name="At"/>, reached by the agent
/// <paramref name="From"/>; null at the start).</summary>
public sealed record TraceStep(int Step, int Agent, string AgentName, string? From, string At)
{
    /// <summary>"agent@point", or the point alone at the start.</summary>
    public string Point => From is null ? At : $"{From}@{At}";
}

/// <summary>
/// Runs agents one at a time: an agent runs until it reaches a scheduling point or a contended lock, then the
/// strategy picks who runs next. Locks are model locks: an agent waiting for one is not runnable until it is
/// released; if nobody is runnable while agents wait, that is a deadlock. Calls from threads that are not agents
/// (setup, checks) pass straight through.
/// <para>
/// Agents come in two kinds. An agent whose body awaits the model (<see cref="SpawnAsync"/>) runs on the caller's
/// thread: at a point where another agent is chosen it is suspended (its <see cref="ValueTask"/> stays pending) and
/// the chosen one resumed, which costs no thread switch. An agent with a synchronous body (<see cref="Spawn"/>:
/// the daxplug controller, which reads and writes sysfs as a real process does) needs a thread of its own; a
/// schedule with one such agent runs every agent on its own thread, handing one baton between them. The two ways
/// make the same choices at the same points, so a seed gives the same trace either way.
/// </para>
/// </summary>
public sealed partial class DeterministicScheduler : IKernelScheduler
{
    private readonly List<Agent> agents = [];
    private readonly Dictionary<KernelMutex, Agent> owners = [];
    private readonly List<int> runnable = [];
    private readonly IStrategy strategy;
    private readonly int maxSteps;
    private readonly Lock gate = new();
    private bool aborted;
    private bool threaded;

    // Single-threaded mode: the agent chosen at the last point, for the run loop to resume, and the one it is
    // running now (what runs during an agent's turn is that agent's; no thread-local needed).
    private Agent? chosen;
    private Agent? resumed;

    [ThreadStatic] private static Agent? current;
    [ThreadStatic] private static List<KernelMutex>? heldByThread;

    public DeterministicScheduler(IStrategy strategy, int maxSteps = 100_000)
    {
        this.strategy = strategy;
        this.maxSteps = maxSteps;
    }

    public List<TraceStep> Trace { get; } = [];

    /// <summary>Called after each step is chosen, before the agent runs (every other agent is parked).</summary>
    public Action? AfterStep { get; set; }

    /// <summary>A failure the schedule produced: "deadlock", "livelock", or an agent's exception.</summary>
    public string? Failure { get; private set; }

    /// <summary>The locks the calling agent holds (outside agents: the calling thread's).</summary>
    public List<KernelMutex> Held => Me()?.Held ?? (heldByThread ??= []);

    /// <summary>An agent with a synchronous body: it gets a thread of its own.</summary>
    public void Spawn(string name, Action body) => agents.Add(new Agent(agents.Count, name, body, null));

    /// <summary>An agent that awaits the model: it can run on the scheduler's own thread.</summary>
    public void SpawnAsync(string name, Func<ValueTask> body) => agents.Add(new Agent(agents.Count, name, null, body));

    /// <summary>
    /// Runs every agent to completion (or until deadlock/livelock); returns false on either. The timeout applies
    /// to agents on threads of their own (one that blocks outside the scheduler); an agent on the scheduler's
    /// thread that blocks outside it blocks the caller.
    /// </summary>
    public bool Run(TimeSpan timeout)
    {
        threaded = agents.Any(a => a.AsyncBody is null);
        return threaded ? RunThreaded(timeout) : RunHere();
    }

    public ValueTask Point(string what) => Me() is { } me ? Yield(me, what) : ValueTask.CompletedTask;

    public async ValueTask Acquire(KernelMutex mutex)
    {
        var me = Me();
        if (me is null)
        {
            lock (gate)
            {
                owners.TryAdd(mutex, null!);
            }

            return;
        }

        while (true)
        {
            lock (gate)
            {
                if (!owners.TryGetValue(mutex, out var owner) || owner is null)
                {
                    owners[mutex] = me;
                    break;
                }

                me.WaitingFor = mutex;
            }

            await Yield(me, mutex.WaitPoint);
        }

        // Taking a lock is itself a point where another agent may run first.
        await Yield(me, mutex.LockPoint);
    }

    public ValueTask Release(KernelMutex mutex)
    {
        bool woke = false;
        lock (gate)
        {
            owners.Remove(mutex);
            foreach (var a in agents)
            {
                if (a.WaitingFor == mutex)
                {
                    a.WaitingFor = null;
                    woke = true;
                }
            }
        }

        // mutex_unlock() wakes a waiter, which may take the lock before the unlocker comes back for it; without
        // this point a releaser that re-acquires at once would starve every waiter.
        return woke && Me() is { } me ? Yield(me, mutex.UnlockPoint) : ValueTask.CompletedTask;
    }

    // The calling agent: in single-threaded mode the one being run; on threads, the calling thread's agent if it
    // is one of this scheduler's.
    private Agent? Me() => !threaded ? resumed : current is { } a && a.Id < agents.Count && agents[a.Id] == a ? a : null;

    // An agent's body ended, by returning or throwing error (an abort's unwinding is not a failure); the next
    // agent runs.
    private void Exited(Agent agent, Exception? error)
    {
        lock (gate)
        {
            if (error is not null and not LabAbort)
            {
                Failure ??= $"{agent.Name}: {error.GetType().Name}: {error.Message}";
            }

            agent.Done = true;
            SwitchLocked(agent, "exit");
        }
    }

    // A point: the strategy picks who runs next. On a thread of its own the agent waits for its turn; on the
    // scheduler's thread it suspends (unless it was picked again) and the run loop resumes the one picked.
    private ValueTask Yield(Agent me, string point)
    {
        lock (gate)
        {
            if (aborted)
            {
                throw new LabAbort();
            }

            SwitchLocked(me, point);
        }

        if (threaded)
        {
            me.Go.Wait();
            if (aborted)
            {
                throw new LabAbort();
            }

            return ValueTask.CompletedTask;
        }

        if (chosen == me)
        {
            chosen = null;
            return ValueTask.CompletedTask;
        }

        me.Resume.Reset();
        return new ValueTask(me, me.Resume.Version);
    }

    // Picks the next agent (possibly the same) and lets it run. Called with the gate held.
    private void SwitchLocked(Agent? from, string point)
    {
        if (aborted)
        {
            return;
        }

        runnable.Clear();
        foreach (var a in agents)
        {
            if (!a.Done && a.WaitingFor is null)
            {
                runnable.Add(a.Id);
            }
        }

        if (runnable.Count == 0)
        {
            if (agents.Any(a => !a.Done))
            {
                Failure ??= "deadlock: " + string.Join(", ", agents.Where(a => !a.Done).Select(a => $"{a.Name} waits for {a.WaitingFor?.Name}"));
                Abort();
            }

            return;
        }

        if (Trace.Count >= maxSteps)
        {
            Failure ??= $"livelock: no end after {maxSteps} steps";
            Abort();
            return;
        }

        var next = agents[runnable[strategy.Next(runnable, Trace.Count)]];
        Trace.Add(new TraceStep(Trace.Count, next.Id, next.Name, from?.Name, point));
        AfterStep?.Invoke();
        if (threaded)
        {
            next.Go.Release();
        }
        else
        {
            chosen = next;
        }
    }

    private void Abort()
    {
        aborted = true;
        if (threaded)
        {
            foreach (var a in agents.Where(a => !a.Done))
            {
                a.Go.Release();
            }
        }
    }

    private sealed class Agent(int id, string name, Action? body, Func<ValueTask>? asyncBody) : IValueTaskSource
    {
        public int Id { get; } = id;

        public string Name { get; } = name;

        public Action? Body { get; } = body;

        public Func<ValueTask>? AsyncBody { get; } = asyncBody;

        public Baton Go { get; } = new(spins: 1000);

        public KernelMutex? WaitingFor { get; set; }

        public bool Done { get; set; }

        public List<KernelMutex> Held { get; } = [];

        // Single-threaded mode: whether it has had its first turn, the point it is suspended at, and whether the
        // run loop is unwinding it after an abort.
        public bool Started { get; set; }

        public ManualResetValueTaskSourceCore<bool> Resume;

        public bool Unwinding { get; set; }

        public ValueTaskSourceStatus GetStatus(short token) => Resume.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            Resume.OnCompleted(continuation, state, token, flags);

        public void GetResult(short token) => Resume.GetResult(token);
    }

    private sealed class LabAbort : Exception;
}
