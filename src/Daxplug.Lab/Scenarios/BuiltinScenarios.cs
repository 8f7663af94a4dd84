namespace Daxplug.Lab.Scenarios;

/// <summary>The lab's scenarios: agents and a machine, nothing that names the bug to find.</summary>
public static class BuiltinScenarios
{
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
            [new AgentSpec("daxctl-devdax", "dax1.0"), new AgentSpec("udev-onliner", "dax1.0")]),
        new("rebind-vs-udev-vs-kdump", "default", "offline", KernelZonePinning: false,
            [new AgentSpec("kmem-rebind", "dax1.0"), new AgentSpec("udev-onliner", "dax1.0"), new AgentSpec("kdump-reader", "dax1.0")]),
        new("daxplug-unplug-vs-udev", "default", "online_movable", KernelZonePinning: false,
            [new AgentSpec("daxplug", "dax1.0", Target: "unplugged"), new AgentSpec("udev-onliner", "dax1.0")]),
        new("daxplug-unplug-vs-zone-mover", "default", "online_movable", KernelZonePinning: true,
            [new AgentSpec("daxplug", "dax1.0", Target: "unplugged"), new AgentSpec("zone-mover", "dax1.0", [1160])]),
    ];

    public static ScenarioSpec? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}
