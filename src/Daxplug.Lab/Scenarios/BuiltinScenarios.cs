using Daxplug.Kernel;

namespace Daxplug.Lab.Scenarios;

/// <summary>The lab's scenarios: agents and a machine, nothing that names the bug to find.</summary>
public static class BuiltinScenarios
{
    // Userland that writes memoryN/state and kmem's bind/unbind only (ndctl v81 does not know the attribute): the
    // races it loses are those of kernels without the series (7.2) and v3's, whose unbind it also exercises; on a kernel with the
    // series a controller that wants atomicity uses the attribute (the device-unplug and daxplug scenarios).
    private static readonly AbiProfile[] PerBlockUserland = [AbiProfile.NoAttribute, AbiProfile.HotplugV3]; // (before All: static fields start in order)

    public static IReadOnlyList<ScenarioSpec> All { get; } =
    [
        new("unplug-vs-zone-mover", "default", "online_movable", KernelZonePinning: true,
            [new AgentSpec("device-unplug", "dax1.0"), new AgentSpec("zone-mover", "dax1.0", [1160])]),
        new("device-cycle", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec("device-cycle", "dax1.0")]),
        new("daxctl-devdax", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec("daxctl-devdax", "dax1.0")]),
        new("unplug-vs-udev", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec("device-unplug", "dax1.0"), new AgentSpec("udev-onliner", "dax1.0")]),
        new("daxctl-devdax-vs-udev", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec("daxctl-devdax", "dax1.0"), new AgentSpec("udev-onliner", "dax1.0")], PerBlockUserland),
        new("rebind-vs-udev-vs-kdump", "default", "offline", KernelZonePinning: false,
            [new AgentSpec("kmem-rebind", "dax1.0"), new AgentSpec("udev-onliner", "dax1.0"), new AgentSpec("kdump-reader", "dax1.0")], PerBlockUserland),
        new("daxplug-unplug-vs-udev", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec("daxplug", "dax1.0", Target: "unplugged"), new AgentSpec("udev-onliner", "dax1.0")]),
        new("daxplug-unplug-vs-zone-mover", "default", "online_movable", KernelZonePinning: true,
            [new AgentSpec("daxplug", "dax1.0", Target: "unplugged"), new AgentSpec("zone-mover", "dax1.0", [1160])]),
        new("unplug-vs-udev-vs-kdump", "lab", "online_movable", KernelZonePinning: false,
            [new AgentSpec("device-unplug", "dax0.0"), new AgentSpec("udev-onliner", "dax0.0"), new AgentSpec("kdump-reader", "dax0.0")]),
    ];

    public static ScenarioSpec? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}
