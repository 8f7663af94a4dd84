using Daxplug.Kernel;
using Daxplug.Kernel.Dax;
using Daxplug.Kernel.Memory;

namespace Daxplug.Lab.Scenarios;

/// <summary>
/// A dax device as agents and checks see it: its kmem memory blocks, their states as one character each, and the
/// device's state in the controller's vocabulary. Read only; one place so that every claim is judged the same way.
/// </summary>
public sealed class DeviceView(KernelModel kernel)
{
    /// <summary>The memory blocks kmem added for <paramref name="dev"/> (none when kmem is not bound).</summary>
    public IEnumerable<MemoryBlock> Blocks(DevDax dev) => dev.Kmem is { } data ? kernel.KmemDriver.Blocks(dev, data) : [];

    /// <summary>The memory blocks of <paramref name="devices"/>, by id, each once.</summary>
    public List<long> BlockIds(IEnumerable<string> devices) =>
        devices.Distinct().Select(kernel.Dax.Find).OfType<DevDax>()
            .SelectMany(dev => Blocks(dev).Select(b => b.Id)).Distinct().Order().ToList();

    /// <summary>A character per block: M online movable, K online in a kernel zone, o offline, - removed.</summary>
    public string BlockStates(IReadOnlyList<long> ids) => string.Concat(ids.Select(id => kernel.Blocks.Find(id) switch
    {
        null => '-',
        { State: MemoryBlockState.Online, Zone.Type: ZoneType.Movable } => 'M',
        { State: MemoryBlockState.Online } => 'K',
        _ => 'o',
    }));

    /// <summary>The device as the controller's vocabulary names it: unplugged (no kmem memory left), or the zone its
    /// blocks are online in (online_movable / online_kernel), or offline, or "split" (some online, some offline).</summary>
    public string State(string device)
    {
        var states = BlockStates(Blocks(kernel.Dax.Find(device)!).Select(b => b.Id).ToList());
        return states.Length == 0 ? "unplugged"
            : states.All(c => c == 'M') ? "online_movable"
            : states.All(c => c == 'K') ? "online_kernel"
            : states.All(c => c == 'o') ? "offline"
            : states.Contains('o') ? "split" : "mixed-zones";
    }
}
