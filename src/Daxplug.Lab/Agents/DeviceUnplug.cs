using Daxplug.Kernel.Memory;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

// Models a device controller: the series' daxX.Y/state (or unplug) attribute, else daxctl reconfigure-device -m devdax -f.
/// <summary>
/// Unplugs the device through the kernel's attribute when there is one; its claim on success is that the device's
/// memory is gone. Without the attribute it does as daxctl does: offline each block, stop at the first error.
/// </summary>
public sealed class DeviceUnplug(AgentSpec spec, AgentContext context) : Agent(spec, context)
{
    public const string Name = "device-unplug";

    public override async ValueTask RunAsync()
    {
        var dev = Device();
        if (Kernel.KmemDriver.AttributeName is { } attr)
        {
            var word = attr == "state" ? "unplugged" : "unplug";
            if (await Write($"/sys/bus/dax/devices/{Spec.Device}/{attr}", word) >= 0)
            {
                Checks.Unplugged(dev, word, Step());
            }
            else
            {
                Fail($"'{word}' failed");
            }

            return;
        }

        foreach (var mem in Devices.Blocks(dev).ToList())
        {
            if (mem.State != MemoryBlockState.Offline && await Write($"/sys/devices/system/memory/memory{mem.Id}/state", "offline") < 0)
            {
                Fail($"offlining memory{mem.Id} failed");
                return;
            }
        }
    }
}
