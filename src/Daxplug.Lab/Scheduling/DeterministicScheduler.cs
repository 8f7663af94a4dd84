using Daxplug.Kernel.Locking;

namespace Daxplug.Lab.Scheduling;

/// <summary>One step of a schedule: which agent ran, from which point.</summary>
public sealed record TraceStep(int Step, int Agent, string AgentName, string Point);

/// <summary>
/// Runs agents (each on its own thread) one at a time: an agent runs until it reaches a scheduling point or a
/// contended lock, then the strategy picks who runs next. Locks are model locks: an agent waiting for one is not
/// runnable until it is released; if nobody is runnable while agents wait, that is a deadlock. Calls from threads
/// that are not agents (setup, checks) pass straight through.
/// </summary>
public sealed class DeterministicScheduler : IKernelScheduler
{
    private readonly List<Agent> agents = [];
    private readonly Dictionary<KernelMutex, Agent> owners = [];
    private readonly IStrategy strategy;
    private readonly int maxSteps;
    private readonly object gate = new();
    private bool aborted;

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

    public void Spawn(string name, Action body) => agents.Add(new Agent(agents.Count, name, body));

    /// <summary>Runs every agent to completion (or until deadlock/livelock); returns false on either.</summary>
    public bool Run(TimeSpan timeout)
    {
        // Not disposed: after a timeout an agent still running signals it later.
        var done = new CountdownEvent(agents.Count);
        foreach (var agent in agents)
        {
            Worker.Start(() =>
            {
                current = agent;
                try
                {
                    AgentMain(agent);
                }
                finally
                {
                    current = null;
                    done.Signal();
                }
            });
        }

        lock (gate)
        {
            SwitchLocked(null, "start");
        }

        if (!done.Wait(timeout))
        {
            Failure ??= "timeout (a thread ran outside the scheduler)";
            return false;
        }

        return Failure is null;
    }

    public void Point(string what)
    {
        var me = Me();
        if (me is null)
        {
            return;
        }

        Yield(me, what);
    }

    public void Acquire(KernelMutex mutex)
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

            Yield(me, $"wait {mutex.Name}");
        }

        // Taking a lock is itself a point where another agent may run first.
        Yield(me, $"lock {mutex.Name}");
    }

    public void Release(KernelMutex mutex)
    {
        bool woke = false;
        lock (gate)
        {
            owners.Remove(mutex);
            foreach (var a in agents.Where(a => a.WaitingFor == mutex))
            {
                a.WaitingFor = null;
                woke = true;
            }
        }

        // mutex_unlock() wakes a waiter, which may take the lock before the unlocker comes back for it; without
        // this point a releaser that re-acquires at once would starve every waiter.
        if (woke && Me() is { } me)
        {
            Yield(me, $"unlock {mutex.Name}");
        }
    }

    // The agent the calling thread runs, if it is one of this scheduler's.
    private Agent? Me() => current is { } a && a.Id < agents.Count && agents[a.Id] == a ? a : null;

    [ThreadStatic] private static Agent? current;

    private void AgentMain(Agent agent)
    {
        agent.Go.Wait();
        try
        {
            if (!aborted)
            {
                agent.Body();
            }
        }
        catch (LabAbort)
        {
        }
        catch (Exception e)
        {
            lock (gate)
            {
                Failure ??= $"{agent.Name}: {e.GetType().Name}: {e.Message}";
            }
        }

        lock (gate)
        {
            agent.Done = true;
            SwitchLocked(agent, "exit");
        }
    }

    private void Yield(Agent me, string point)
    {
        lock (gate)
        {
            if (aborted)
            {
                throw new LabAbort();
            }

            SwitchLocked(me, point);
        }

        me.Go.Wait();
        if (aborted)
        {
            throw new LabAbort();
        }
    }

    // Picks the next agent (possibly the same) and lets it run. Called with the gate held.
    private void SwitchLocked(Agent? from, string point)
    {
        var runnable = agents.Where(a => !a.Done && a.WaitingFor is null).Select(a => a.Id).ToList();
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
        Trace.Add(new TraceStep(Trace.Count, next.Id, next.Name, from is null ? point : $"{from.Name}@{point}"));
        AfterStep?.Invoke();
        next.Go.Release();
    }

    private void Abort()
    {
        aborted = true;
        foreach (var a in agents.Where(a => !a.Done))
        {
            a.Go.Release();
        }
    }

    private sealed class Agent(int id, string name, Action body)
    {
        public int Id { get; } = id;

        public string Name { get; } = name;

        public Action Body { get; } = body;

        public Baton Go { get; } = new(spins: 1000);

        public KernelMutex? WaitingFor { get; set; }

        public bool Done { get; set; }
    }

    private sealed class LabAbort : Exception;

    /// <summary>
    /// Agent threads outlive a schedule: starting and joining a thread costs more than a whole small schedule, so
    /// a finished agent's thread waits for the next schedule's agent.
    /// </summary>
    private sealed class Worker
    {
        private static readonly System.Collections.Concurrent.ConcurrentBag<Worker> Idle = [];
        private readonly Baton assigned = new(spins: 20);
        private Action? job;

        private Worker()
        {
            new Thread(Loop) { IsBackground = true, Name = "lab-agent" }.Start();
        }

        public static void Start(Action job)
        {
            var worker = Idle.TryTake(out var w) ? w : new Worker();
            worker.job = job;
            worker.assigned.Release();
        }

        private void Loop()
        {
            while (true)
            {
                assigned.Wait();
                var run = job!;
                job = null;
                KernelMutex.ForgetHeldByCurrentThread();
                run();
                Idle.Add(this);
            }
        }
    }

    /// <summary>
    /// The permission to run, handed from one agent thread to the next. Exactly one agent runs at a time, so the
    /// next one is woken at every step: a futex wake-up costs tens of microseconds on a virtual machine, so the
    /// waiter first spins (yielding the CPU between looks, so that the agent it waits for gets a core) and only
    /// then sleeps. A lab run keeps the cores busy; it is a batch computation.
    /// </summary>
    internal sealed class Baton(int spins)
    {
        private const int Empty = 0, Given = 1, Sleeping = 2;
        private readonly SemaphoreSlim sleep = new(0, 1);
        private int state;

        public void Release()
        {
            if (Interlocked.Exchange(ref state, Given) == Sleeping)
            {
                sleep.Release();
            }
        }

        public void Wait()
        {
            for (int i = 0; i < spins; i++)
            {
                if (Interlocked.CompareExchange(ref state, Empty, Given) == Given)
                {
                    return;
                }

                Thread.Yield();
            }

            if (Interlocked.CompareExchange(ref state, Sleeping, Empty) == Given)
            {
                state = Empty;
                return;
            }

            sleep.Wait();
            state = Empty;
        }
    }
}
