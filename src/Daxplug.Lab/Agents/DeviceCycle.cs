using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

// Models a device controller cycling the series' daxX.Y/state (or unplug) attribute: unplug, online_movable, unplug.
/// <summary>
/// Unplugs the device, onlines it again, unplugs it again, through the attribute (and does nothing on kernels
/// without one). Each success claims the device is as asked.
/// </summary>
public sealed class DeviceCycle(AgentSpec spec, AgentContext context) : Agent(spec, context)
{
    public const string Name = "device-cycle";

    public override async ValueTask RunAsync()
    {
        if (Kernel.KmemDriver.AttributeName is not { } attr)
        {
            return;
        }

        var dev = Device();
        var unplug = attr == "state" ? "unplugged" : "unplug";
        foreach (var word in new[] { unplug, "online_movable", unplug })
        {
            if (await Write($"/sys/bus/dax/devices/{Spec.Device}/{attr}", word) < 0)
            {
                Fail($"'{word}' failed");
                return;
            }

            Checks.Became(dev, word, word == unplug, Step());
        }
    }
}
