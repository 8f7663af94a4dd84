using Daxplug.Kernel;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Lab.Scenarios;

/// <summary>
/// What happened in one schedule, in order: a log line per thing an agent did and what the kernel answered, each
/// "[step] agent: ..." (the format replay, svg and run print and parse), and, when asked for, the states of the
/// agents' blocks after every step.
/// </summary>
public sealed class Timeline(DeviceView devices)
{
    private readonly List<string> states = [];
    private IReadOnlyList<long>? blockIds;

    /// <summary>The log; writers lock it (the daxplug agent writes from a thread of its own).</summary>
    public List<string> Log { get; } = [];

    /// <summary>The scheduler's current step, for the log.</summary>
    public Func<int> Step { get; set; } = () => 0;

    /// <summary>The block states recorded, or null when <see cref="RecordBlocks"/> was not called.</summary>
    public BlockTimeline? Blocks => blockIds is null ? null : new BlockTimeline(blockIds, states);

    /// <summary>Adds "[step] agent: what".</summary>
    public void Add(string agent, string what)
    {
        lock (Log)
        {
            Log.Add($"[{Step()}] {agent}: {what}");
        }
    }

    /// <summary>Adds a sysfs write and the kernel's answer: <paramref name="rc"/> is bytes written or -errno.</summary>
    public void Written(string agent, string path, string value, int rc)
    {
        var answer = rc >= 0 ? "ok" : ErrnoText.Name((Errno)(-rc));
        lock (Log)
        {
            Log.Add($"[{Step()}] {agent}: {path} <- {value}: {answer}");
        }
    }

    /// <summary>Records, after every step of <paramref name="scheduler"/>, the states of the blocks <paramref name="ids"/>.</summary>
    public void RecordBlocks(DeterministicScheduler scheduler, IReadOnlyList<long> ids)
    {
        blockIds = ids;
        scheduler.AfterStep = () => states.Add(devices.BlockStates(ids));
    }
}
