using Daxplug.Control.Transitions;

namespace Daxplug.Control.Discovery;

/// <summary>A memory block as the controller sees it: sysfs state and zones, its node.</summary>
public sealed record BlockInfo(long Id, ulong Start, ulong Size, string State, string Zones, int Node)
{
    public bool Online => State == "online";

    /// <summary>The single zone of an online block (valid_zones), or null.</summary>
    public string? Zone => Online ? Zones : null;
}

/// <summary>One mappingN of a dax device.</summary>
public sealed record MappingInfo(int Id, ulong Start, ulong End, ulong PageOffset)
{
    public ulong Size => End - Start + 1;
}

/// <summary>Which revision of the series' attribute a kernel has, by its file name.</summary>
public enum AttributeKind
{
    /// <summary>"hotplug" (v1–v4 and the cover letter): writes unplug/online/online_movable.</summary>
    Hotplug,

    /// <summary>"state" (v5–v7): writes unplugged/online/online_kernel/online_movable.</summary>
    State,
}

/// <summary>The per-device attribute and what it reads now.</summary>
public sealed record AttributeInfo(AttributeKind Kind, string Value)
{
    public string File => Kind == AttributeKind.Hotplug ? "hotplug" : "state";

    /// <summary>The word this revision accepts for a target state, or null if it has none.</summary>
    public string? WordFor(DeviceState target) => AttributeWords.For(Kind, target);
}

/// <summary>A dax region.</summary>
public sealed record RegionInfo(int Id, string SysPath, ulong Size, ulong? AvailableSize, uint Align);

/// <summary>A dax device with its ranges, driver, attribute and the memory blocks of its ranges.</summary>
public sealed record DeviceInfo(
    string Name,
    RegionInfo Region,
    string SysPath,
    ulong Size,
    uint Align,
    int TargetNode,
    string? Driver,
    IReadOnlyList<MappingInfo> Mappings,
    AttributeInfo? Attribute,
    IReadOnlyList<BlockInfo> Blocks)
{
    /// <summary>daxctl's mode: system-ram when bound to kmem, else devdax.</summary>
    public string Mode => Driver == "kmem" ? "system-ram" : "devdax";

    public int OnlineBlocks => Blocks.Count(b => b.Online);

    /// <summary>The device's state in the controller's vocabulary, from the blocks.</summary>
    public DeviceState State => Blocks.Count == 0 ? DeviceState.Unplugged
        : Blocks.Any(b => !b.Online) ? (Blocks.All(b => !b.Online) ? DeviceState.Offline : DeviceState.Mixed)
        : Blocks.All(b => b.Zone == "Movable") ? DeviceState.OnlineMovable
        : Blocks.All(b => b.Zone != "Movable") ? DeviceState.OnlineKernel : DeviceState.Online;

    /// <summary>The zones of the online blocks, distinct, in order of first appearance.</summary>
    public IReadOnlyList<string> Zones => Blocks.Where(b => b.Online).Select(b => b.Zone!).Distinct().ToList();
}

/// <summary>Everything discovery found, at one moment.</summary>
public sealed record Inventory(
    ulong BlockSize,
    string AutoOnlineBlocks,
    string OnlinePolicy,
    IReadOnlyList<RegionInfo> Regions,
    IReadOnlyList<DeviceInfo> Devices)
{
    public DeviceInfo? Device(string name) => Devices.FirstOrDefault(d => d.Name == name);
}
