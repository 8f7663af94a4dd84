using Daxplug.Kernel;
using Daxplug.Lab.Agents;

namespace Daxplug.Lab.Scenarios;

/// <summary>The lab's scenarios: agents and a machine, nothing that names the bug to find.</summary>
public static class BuiltinScenarios
{
    // Userland that writes memoryN/state and kmem's bind/unbind only (ndctl v81 does not know the attribute): the
    // races it loses are those of kernels without the series (7.2) and v3's, whose unbind it also exercises; on a kernel with the
    // series a controller that wants atomicity uses the attribute (the device-unplug and daxplug scenarios).
    private static readonly IReadOnlyList<AbiProfile> PerBlockUserland = [AbiProfile.NoAttribute, AbiProfile.HotplugV3]; // (before All: static fields start in order)

    public static IReadOnlyList<ScenarioSpec> All { get; } =
    [
        new("unplug-vs-zone-mover", "default", "online_movable", KernelZonePinning: true,
            [new AgentSpec(DeviceUnplug.Name, "dax1.0"), new AgentSpec(ZoneMover.Name, "dax1.0", [1160])]),
        new("device-cycle", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec(DeviceCycle.Name, "dax1.0")]),
        new("daxctl-devdax", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec(DaxctlDevdax.Name, "dax1.0")]),
        new("unplug-vs-udev", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec(DeviceUnplug.Name, "dax1.0"), new AgentSpec(UdevOnliner.Name, "dax1.0")]),
        new("daxctl-devdax-vs-udev", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec(DaxctlDevdax.Name, "dax1.0"), new AgentSpec(UdevOnliner.Name, "dax1.0")], PerBlockUserland),
        new("rebind-vs-udev-vs-kdump", "default", "offline", KernelZonePinning: false,
            [new AgentSpec(KmemRebind.Name, "dax1.0"), new AgentSpec(UdevOnliner.Name, "dax1.0"), new AgentSpec(KdumpReader.Name, "dax1.0")], PerBlockUserland),
        new("daxplug-unplug-vs-udev", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec(DaxplugSet.Name, "dax1.0", Target: "unplugged"), new AgentSpec(UdevOnliner.Name, "dax1.0")]),
        new("daxplug-unplug-vs-zone-mover", "default", "online_movable", KernelZonePinning: true,
            [new AgentSpec(DaxplugSet.Name, "dax1.0", Target: "unplugged"), new AgentSpec(ZoneMover.Name, "dax1.0", [1160])]),
        new("unplug-vs-udev-vs-kdump", "lab", "online_movable", KernelZonePinning: false,
            [new AgentSpec(DeviceUnplug.Name, "dax0.0"), new AgentSpec(UdevOnliner.Name, "dax0.0"), new AgentSpec(KdumpReader.Name, "dax0.0")]),
    ];

    public static ScenarioSpec? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}
