using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

// Models a misguided udev rule that moves a block into the kernel zone (memoryN/state: offline, then online_kernel).
/// <summary>
/// Offlines each of its blocks and, when that worked, onlines it into the kernel zone (where the kernel may pin it).
/// It claims nothing; it is what a controller races against.
/// </summary>
public sealed class ZoneMover(AgentSpec spec, AgentContext context) : Agent(spec, context)
{
    public const string Name = "zone-mover";

    public override async ValueTask RunAsync()
    {
        foreach (var b in Spec.Blocks ?? [])
        {
            if (await Write($"/sys/devices/system/memory/memory{b}/state", "offline") >= 0)
            {
                await Write($"/sys/devices/system/memory/memory{b}/state", "online_kernel");
            }
        }
    }
}
