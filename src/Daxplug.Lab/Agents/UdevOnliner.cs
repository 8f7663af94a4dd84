using Daxplug.Kernel.Memory;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

// Models a RHEL-style udev rule that onlines hot-added memory (SUBSYSTEM=="memory", ATTR{state}="online_movable").
/// <summary>
/// Acts on each block of the device it sees offline: onlines it (movable, as on bare metal). It claims nothing; it
/// is what a controller races against.
/// </summary>
public sealed class UdevOnliner(AgentSpec spec, AgentContext context) : Agent(spec, context)
{
    public const string Name = "udev-onliner";

    public override async ValueTask RunAsync()
    {
        foreach (var mem in Devices.Blocks(Device()).ToList())
        {
            if (mem.State == MemoryBlockState.Offline)
            {
                await Write($"/sys/devices/system/memory/memory{mem.Id}/state", "online_movable");
            }
        }
    }
}
