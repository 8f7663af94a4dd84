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
        foreach (var agent in agents)
        {
            agent.Thread = new Thread(() => AgentMain(agent)) { IsBackground = true, Name = $"lab:{agent.Name}" };
            agent.Thread.Start();
        }

        lock (gate)
        {
            SwitchLocked(null, "start");
        }

        foreach (var agent in agents)
        {
            if (!agent.Thread!.Join(timeout))
            {
                Failure ??= "timeout (a thread ran outside the scheduler)";
                return false;
            }
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

    private Agent? Me() => agents.FirstOrDefault(a => a.Thread == Thread.CurrentThread);

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

        public Thread? Thread { get; set; }

        public SemaphoreSlim Go { get; } = new(0, int.MaxValue);

        public KernelMutex? WaitingFor { get; set; }

        public bool Done { get; set; }
    }

    private sealed class LabAbort : Exception;
}
