using System.Collections.Immutable;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

/// <summary>The agents a scenario can name, in one table (as <see cref="Explorer.Strategies"/> are the strategies).</summary>
public static class AgentKinds
{
    public static ImmutableArray<AgentKind> All { get; } =
    [
        new(DeviceUnplug.Name, Claims: true, (spec, context) => new DeviceUnplug(spec, context)),
        new(ZoneMover.Name, Claims: false, (spec, context) => new ZoneMover(spec, context)),
        new(DeviceCycle.Name, Claims: true, (spec, context) => new DeviceCycle(spec, context)),
        new(DaxctlDevdax.Name, Claims: true, (spec, context) => new DaxctlDevdax(spec, context)),
        new(UdevOnliner.Name, Claims: false, (spec, context) => new UdevOnliner(spec, context)),
        new(DaxplugSet.Name, Claims: true, (spec, context) => new DaxplugSet(spec, context)),
        new(KmemRebind.Name, Claims: true, (spec, context) => new KmemRebind(spec, context)),
        new(KdumpReader.Name, Claims: false, (spec, context) => new KdumpReader(spec, context)),
    ];

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public static AgentKind? Find(string name)
    {
        foreach (var kind in All)
        {
            if (kind.Name == name)
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>Whether agents of kind <paramref name="name"/> claim something about their device.</summary>
    public static bool Claims(string name) => Find(name)?.Claims == true;

    /// <summary>The agent <paramref name="spec"/> asks for; a <see cref="FormatException"/> for a kind not in the table.</summary>
    public static Agent Create(AgentSpec spec, AgentContext context) =>
        (Find(spec.Kind) ?? throw new FormatException($"unknown agent kind '{spec.Kind}'")).Create(spec, context);
}
