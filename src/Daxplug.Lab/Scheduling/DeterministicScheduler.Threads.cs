using Daxplug.Kernel.Locking;

namespace Daxplug.Lab.Scheduling;

/// <summary>The scheduler's threaded mode: every agent on a thread of its own, one baton handed between them.</summary>
public sealed partial class DeterministicScheduler
{
    private bool RunThreaded(TimeSpan timeout)
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

    private void AgentMain(Agent agent)
    {
        agent.Go.Wait();
        Exception? error = null;
        try
        {
            if (!aborted)
            {
                if (agent.Body is { } body)
                {
                    body();
                }
                else
                {
                    agent.AsyncBody!().Sync();
                }
            }
        }
        catch (Exception e)
        {
            error = e;
        }

        Exited(agent, error);
    }

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
