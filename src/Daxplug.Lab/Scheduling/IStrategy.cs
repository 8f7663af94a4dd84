namespace Daxplug.Lab.Scheduling;

/// <summary>Chooses which runnable agent goes next at a scheduling point.</summary>
public interface IStrategy
{
    /// <summary>An index into <paramref name="runnable"/> (ordered by agent id).</summary>
    int Next(IReadOnlyList<int> runnable, int step);
}

/// <summary>Uniformly random from a seed: the same seed gives the same schedule.</summary>
public sealed class RandomStrategy(int seed) : IStrategy
{
    private readonly Random random = new(seed);

    public int Next(IReadOnlyList<int> runnable, int step) => random.Next(runnable.Count);
}

/// <summary>
/// Replays the agent choices of a recorded trace, step by step. A schedule that does not fit the run (a choice
/// of an agent that cannot run at that step, or fewer choices than the run has steps) is not followed blindly:
/// the first place it stops fitting is kept in <see cref="Divergence"/>, and the run goes on with the first
/// runnable agent.
/// </summary>
public sealed class ReplayStrategy(IReadOnlyList<int> choices) : IStrategy
{
    /// <summary>Where and how the run left the schedule, or null while it follows it.</summary>
    public string? Divergence { get; private set; }

    public int Next(IReadOnlyList<int> runnable, int step)
    {
        if (step >= choices.Count)
        {
            Divergence ??= $"the schedule ends after {choices.Count} step(s), but the run went on (step {step})";
            return 0;
        }

        for (int i = 0; i < runnable.Count; i++)
        {
            if (runnable[i] == choices[step])
            {
                return i;
            }
        }

        Divergence ??= $"at step {step} the schedule chooses agent {choices[step]}, which cannot run then (runnable: {string.Join(", ", runnable)})";
        return 0;
    }

    /// <summary>After the run: the divergence, or a run that ended before the schedule did.</summary>
    public string? Check(int steps) =>
        Divergence ?? (steps < choices.Count ? $"the run ended after {steps} step(s), before the schedule's {choices.Count}" : null);
}

/// <summary>
/// PCT (Burckhardt et al., "A randomized scheduler with probabilistic guarantees of finding bugs", ASPLOS 2010):
/// every agent gets a random priority above <c>depth</c>, the highest runnable one always runs, and at
/// <c>depth - 1</c> random steps the running agent drops to a priority below all others. Finds any bug of depth d
/// with probability at least 1/(n·k^(d-1)) per schedule (n agents, k steps).
/// </summary>
public sealed class PctStrategy : IStrategy
{
    private readonly Random random;
    private readonly int depth;
    private readonly Dictionary<int, int> priority = [];
    private readonly Dictionary<int, int> changeAt = [];

    public PctStrategy(int seed, int depth, int steps)
    {
        random = new Random(seed);
        this.depth = Math.Max(1, depth);
        for (int i = 1; i < this.depth; i++)
        {
            changeAt.TryAdd(random.Next(Math.Max(1, steps)), i);
        }
    }

    public int Next(IReadOnlyList<int> runnable, int step)
    {
        foreach (var id in runnable)
        {
            if (!priority.ContainsKey(id))
            {
                priority[id] = depth + random.Next(1 << 20);
            }
        }

        int best = 0;
        for (int i = 1; i < runnable.Count; i++)
        {
            if (priority[runnable[i]] > priority[runnable[best]])
            {
                best = i;
            }
        }

        if (changeAt.TryGetValue(step, out var low))
        {
            priority[runnable[best]] = low;
            best = 0;
            for (int i = 1; i < runnable.Count; i++)
            {
                if (priority[runnable[i]] > priority[runnable[best]])
                {
                    best = i;
                }
            }
        }

        return best;
    }
}

/// <summary>
/// One schedule of a preemption-bounded depth-first search: follows <paramref name="prefix"/> (positions among
/// each step's candidates), then never preempts (the previous agent goes on while it can). It records, per step,
/// what the search needs to pick the next schedule. Candidates at a step: the previous agent first if runnable,
/// then the others by id; choosing another while the previous could run is a preemption.
/// </summary>
public sealed class DfsStrategy(IReadOnlyList<int> prefix) : IStrategy
{
    private int previous = -1;
    private int preemptions;

    /// <summary>Per step: the position chosen, how many candidates there were, whether the previous agent was
    /// runnable, and the preemptions used before the step.</summary>
    public List<(int Position, int Candidates, bool PreviousRunnable, int PreemptionsBefore)> Steps { get; } = [];

    public int Next(IReadOnlyList<int> runnable, int step)
    {
        bool prevRunnable = runnable.Contains(previous);
        var candidates = prevRunnable ? new[] { previous }.Concat(runnable.Where(r => r != previous)).ToList() : runnable.ToList();
        int position = step < prefix.Count ? Math.Min(prefix[step], candidates.Count - 1) : 0;
        Steps.Add((position, candidates.Count, prevRunnable, preemptions));
        if (prevRunnable && position > 0)
        {
            preemptions++;
        }

        previous = candidates[position];
        return runnable.ToList().IndexOf(previous);
    }

    /// <summary>The next schedule's prefix in depth-first order within <paramref name="bound"/> preemptions, or
    /// null when the search space is exhausted.</summary>
    public List<int>? NextPrefix(int bound)
    {
        for (int i = Steps.Count - 1; i >= 0; i--)
        {
            var (position, count, prevRunnable, before) = Steps[i];
            int next = position + 1;
            // Any position above 0 with the previous agent runnable is one preemption.
            if (next < count && before + (prevRunnable ? 1 : 0) <= bound)
            {
                return Steps.Take(i).Select(s => s.Position).Append(next).ToList();
            }
        }

        return null;
    }
}
