using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

// Models an admin or script resetting the device's driver: echo daxX.Y > /sys/bus/dax/drivers/kmem/unbind, then bind.
/// <summary>
/// Unbinds kmem without unplugging first, then binds it again. Its claims: after a successful unbind the memory is
/// gone (else it is stranded until reboot); after a successful bind the device has its blocks.
/// </summary>
public sealed class KmemRebind(AgentSpec spec, AgentContext context) : Agent(spec, context)
{
    public const string Name = "kmem-rebind";

    public override async ValueTask RunAsync()
    {
        var dev = Device();
        var before = Devices.Blocks(dev).ToList();
        if (await Write("/sys/bus/dax/drivers/kmem/unbind", Spec.Device) < 0)
        {
            Fail("unbind failed");
            return;
        }

        if (Checks.Stranded(dev, before, Step()))
        {
            return;
        }

        if (await Write("/sys/bus/dax/drivers/kmem/bind", Spec.Device) < 0)
        {
            Fail("bind failed");
        }
        else
        {
            Checks.Bound(dev, Step());
        }
    }
}
