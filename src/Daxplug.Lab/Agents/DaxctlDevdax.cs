using Daxplug.Kernel.Memory;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

// Models daxctl reconfigure-device -m devdax -f (ndctl v81), which knows only memoryN/state and kmem's unbind.
/// <summary>
/// Offlines every block (stops at the first error), refuses if any is still online, then unbinds kmem. The
/// unbind "succeeds" whatever happens; its claim is that the memory is gone.
/// </summary>
public sealed class DaxctlDevdax(AgentSpec spec, AgentContext context) : Agent(spec, context)
{
    public const string Name = "daxctl-devdax";

    public override async ValueTask RunAsync()
    {
        var dev = Device();
        var blocks = Devices.Blocks(dev).ToList();
        foreach (var mem in blocks)
        {
            if (mem.State != MemoryBlockState.Offline && await Write($"/sys/devices/system/memory/memory{mem.Id}/state", "offline") < 0
                && mem.State != MemoryBlockState.Offline)
            {
                Fail($"offlining memory{mem.Id} failed");
                return;
            }
        }

        if (blocks.Any(b => b.State == MemoryBlockState.Online))
        {
            Fail("refusing to change modes (blocks online)");
            return;
        }

        await Write("/sys/bus/dax/drivers/kmem/unbind", Spec.Device);
        Checks.Stranded(dev, blocks, Step());
    }
}
