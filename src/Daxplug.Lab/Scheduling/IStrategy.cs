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

/// <summary>Replays the agent choices of a recorded trace, step by step.</summary>
public sealed class ReplayStrategy(IReadOnlyList<int> choices) : IStrategy
{
    public int Next(IReadOnlyList<int> runnable, int step)
    {
        if (step >= choices.Count)
        {
            return 0;
        }

        int index = runnable.ToList().IndexOf(choices[step]);
        if (index < 0)
        {
            throw new InvalidOperationException($"replay diverged at step {step}: agent {choices[step]} is not runnable");
        }

        return index;
    }
}
