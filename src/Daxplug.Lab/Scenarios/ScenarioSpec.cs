using Daxplug.Kernel;

namespace Daxplug.Lab.Scenarios;

/// <summary>
/// A scenario as data: a machine, how it boots, the agents that race, and the profiles it is about (null: every
/// profile). A scenario whose agents only know the per-block ABI (daxctl v81, a kmem rebind without unplugging
/// first) is about the kernels such userland runs against today: releases without the series, and v3 whose unbind it exercises.
/// </summary>
public sealed record ScenarioSpec(string Name, string Machine, string BootPolicy, bool KernelZonePinning, IReadOnlyList<AgentSpec> Agents,
    IReadOnlyList<AbiProfile>? Abis = null)
{
    /// <summary>Whether the scenario is about <paramref name="abi"/>.</summary>
    public bool AppliesTo(AbiProfile abi) => Abis is null || Abis.Contains(abi);
}
