using Daxplug.Kernel;
using Daxplug.Kernel.Locking;
using Daxplug.Lab.Agents;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Lab.Scenarios;

/// <summary>
/// One run of a scenario: its machine booted on a kernel, and the agents of <see cref="AgentKinds"/> it names,
/// wired to one <see cref="Timeline"/> and one set of <see cref="Checks"/>. What agents do, modelled on the real
/// things (docs/kernel-abi.md §5): a device controller that unplugs or onlines through the kernel's attribute when there is
/// one and otherwise as daxctl does (per block, stop at the first error, re-check, unbind); a zone mover that
/// re-onlines one block into the kernel zone (a misguided udev rule). Each agent checks its own claims the moment
/// the kernel answers: a success must leave the device as claimed.
/// </summary>
public sealed class ScenarioRun
{
    private readonly KernelModel kernel;
    private readonly DeviceView devices;

    /// <summary>A run on a machine parsed for it alone (an exploration shares one <see cref="ScenarioMachine"/>).</summary>
    public ScenarioRun(ScenarioSpec spec, KernelChoice choice)
        : this(new ScenarioMachine(spec, choice))
    {
    }

    public ScenarioRun(ScenarioMachine machine)
    {
        var spec = machine.Spec;
        kernel = machine.Boot();
        Spec = spec;
        devices = new DeviceView(kernel);
        Timeline = new Timeline(devices);
        Checks = new Checks(kernel, devices, Timeline);
    }

    public ScenarioSpec Spec { get; }

    public KernelModel Kernel => kernel;

    /// <summary>The log and, when recorded, the block states of this run.</summary>
    public Timeline Timeline { get; }

    /// <summary>The invariants, and what they found.</summary>
    public Checks Checks { get; }

    public List<Violation> Violations => Checks.Violations;

    /// <summary>The log of what agents did and what the kernel answered, in order, each "[step] agent: ...".</summary>
    public List<string> Log => Timeline.Log;

    /// <summary>The scheduler's current step, for the log.</summary>
    public Func<int> Step
    {
        get => Timeline.Step;
        set => Timeline.Step = value;
    }

    /// <summary>Failures that agents reported (exit codes): not violations, but what a user would have been told.</summary>
    public List<string> Reported => Checks.Reported;

    /// <summary>The agent <paramref name="agent"/> asks for, on this run; its violations are seen at <paramref name="step"/>.</summary>
    public Agent Create(AgentSpec agent, Func<int> step) => AgentKinds.Create(agent, new AgentContext(kernel, devices, Timeline, Checks, step));

    /// <summary>What <paramref name="agent"/> does, as a body to run once.</summary>
    public Func<ValueTask> Body(AgentSpec agent, Func<int> step) => Create(agent, step).RunAsync;

    /// <summary>Adds <paramref name="agent"/> to <paramref name="scheduler"/>: on a thread of its own if it does
    /// synchronous I/O (the daxplug controller, through <see cref="ModelSysfs"/>), else on the scheduler's thread.</summary>
    public void Spawn(DeterministicScheduler scheduler, AgentSpec agent, Func<int> step)
    {
        var created = Create(agent, step);
        if (created.OwnThread)
        {
            scheduler.Spawn(agent.Kind, () => created.RunAsync().Sync());
        }
        else
        {
            scheduler.SpawnAsync(agent.Kind, created.RunAsync);
        }
    }

    /// <summary>Checks at quiescence: the model's own consistency, and that no device a controller acted on is
    /// left split (some blocks online, some offline) unless a controller reported a failure.</summary>
    public void CheckQuiescent(int step) =>
        Checks.Quiescent(Spec.Agents.Where(a => AgentKinds.Claims(a.Kind)).Select(a => a.Device), step);

    /// <summary>The memory blocks of every device an agent names, as booted.</summary>
    public List<long> DeviceBlockIds() => devices.BlockIds(Spec.Agents.Select(a => a.Device));

    /// <summary>A character per block: M online movable, K online in a kernel zone, o offline, - removed.</summary>
    public string BlockStates(IReadOnlyList<long> ids) => devices.BlockStates(ids);
}
