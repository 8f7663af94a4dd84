namespace Daxplug.Lab.Scheduling;

/// <summary>The scheduler's single-threaded mode: agents that await the model, suspended and resumed on one thread.</summary>
public sealed partial class DeterministicScheduler
{
    // Single-threaded: resume the chosen agent until it suspends at a point where it is not chosen again (or
    // ends), then the next one. An agent's first turn calls its body.
    private bool RunHere()
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        // Agents share this thread and no ambient state: without an execution context to capture, a suspended
        // frame is resumed by a direct call rather than through ExecutionContext.Run.
        AsyncFlowControl? flow = ExecutionContext.IsFlowSuppressed() ? null : ExecutionContext.SuppressFlow();
        try
        {
            lock (gate)
            {
                SwitchLocked(null, "start");
            }

            while (true)
            {
                var next = chosen;
                chosen = null;
                if (next is null && aborted)
                {
                    // Unwind every suspended agent (a deadlock or livelock ended the schedule).
                    next = agents.FirstOrDefault(a => !a.Done && !a.Unwinding);
                    if (next is not null)
                    {
                        next.Unwinding = true;
                    }
                }

                if (next is null)
                {
                    break;
                }

                resumed = next;
                if (!next.Started)
                {
                    next.Started = true;
#pragma warning disable CA2012 // Not awaited: the agent's run catches everything and ends by marking it Done.
                    _ = AgentMainAsync(next);
#pragma warning restore CA2012
                }
                else if (next.Unwinding)
                {
                    next.Resume.SetException(new LabAbort());
                }
                else
                {
                    next.Resume.SetResult(true);
                }

                resumed = null;
            }
        }
        finally
        {
            resumed = null;
            flow?.Undo();
            SynchronizationContext.SetSynchronizationContext(context);
        }

        return Failure is null;
    }

    private async ValueTask AgentMainAsync(Agent agent)
    {
        Exception? error = null;
        try
        {
            if (!aborted)
            {
                await agent.AsyncBody!();
            }
        }
        catch (Exception e)
        {
            error = e;
        }

        Exited(agent, error);
    }
}
