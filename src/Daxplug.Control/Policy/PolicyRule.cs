using Daxplug.Control.Discovery;

namespace Daxplug.Control.Policy;

/// <summary>
/// One desired state for the devices a section selects. Selectors (all given must match): name (a glob), region
/// id, resource (first range start), target node, size; "mode" (system-ram/devdax) and "state" say what to converge to.
/// </summary>
public sealed record PolicyRule(string Source, string? Name, int? Region, ulong? Resource, int? TargetNode, ulong? Size, string? Mode, Transitions.DeviceState? State)
{
    public bool Matches(DeviceInfo d) =>
        (Name is null || System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(Name, d.Name)) &&
        (Region is null || Region == d.Region.Id) &&
        (Resource is null || (d.Mappings.Count > 0 && d.Mappings[0].Start == Resource)) &&
        (TargetNode is null || TargetNode == d.TargetNode) &&
        (Size is null || Size == d.Size);
}
