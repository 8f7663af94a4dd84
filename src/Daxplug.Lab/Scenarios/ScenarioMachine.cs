using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;

namespace Daxplug.Lab.Scenarios;

/// <summary>
/// A scenario's machine description on a kernel, parsed once and booted afresh for every schedule (building a
/// kernel only reads it). An exploration makes one and hands it to each run: nothing is cached process-wide.
/// </summary>
public sealed class ScenarioMachine
{
    private readonly MachineSpec machine;

    public ScenarioMachine(ScenarioSpec spec, KernelChoice choice)
    {
        machine = BuiltinMachines.Load(spec.Machine);
        machine.AutoOnlineBlocks = spec.BootPolicy;
        machine.KernelZonePinning = spec.KernelZonePinning;
        machine.Kernel = choice.Release.ToString();
        Spec = spec;
        Choice = choice;
    }

    public ScenarioSpec Spec { get; }

    public KernelChoice Choice { get; }

    /// <summary>A fresh boot of the machine.</summary>
    public KernelModel Boot() => MachineBuilder.Build(machine, Choice.Abi);
}
