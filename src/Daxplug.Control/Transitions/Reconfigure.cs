using Daxplug.Control.Discovery;
using Daxplug.Control.Sysfs;

namespace Daxplug.Control.Transitions;

/// <summary>
/// daxctl reconfigure-device's semantics (docs/kernel-abi.md §5.1), made safe: to system-ram the policy check, then the
/// driver switch (remove_id, unbind, new_id, bind), then an atomic online unless told not to; to devdax a refusal
/// while memory is online unless --force, which unplugs the whole device atomically before the unbind. The whole
/// switch runs under the controller's lock.
/// </summary>
public sealed class Reconfigure(ISysfs sysfs, Controller controller)
{
    private const string Drivers = "/sys/bus/dax/drivers";

    public Outcome ToSystemRam(string device, bool online, bool movable, bool force)
    {
        using var held = controller.Hold(out var refusal, out var recovered);
        return held is null ? refusal! : Controller.After(recovered, ToSystemRamHeld(device, online, movable, force));
    }

    public Outcome ToDevdax(string device, bool force)
    {
        using var held = controller.Hold(out var refusal, out var recovered);
        return held is null ? refusal! : Controller.After(recovered, ToDevdaxHeld(device, force));
    }

    /// <summary>To system-ram under the lock the caller holds.</summary>
    internal Outcome ToSystemRamHeld(string device, bool online, bool movable, bool force)
    {
        var dev = Discover.Device(sysfs, device, Discover.Detail.None);
        if (dev is null)
        {
            return Outcome.Usage($"no dax device '{device}' in {sysfs.Describe}");
        }

        var steps = new List<string>();
        if (dev.Driver != "kmem")
        {
            var policy = sysfs.ReadValue("/sys/devices/system/memory/auto_online_blocks") ?? "offline";
            if (policy.StartsWith("online", StringComparison.Ordinal) && (!online || movable) && !force)
            {
                return new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: the kernel policy ({policy}) will online the memory itself, " +
                    "in the zone it picks; set auto_online_blocks to offline, or use --force", []);
            }

            var rc = SwitchDriver(dev, "kmem", steps);
            if (rc is not null)
            {
                return rc;
            }
        }

        if (!online)
        {
            return new Outcome(OutcomeCode.Done, $"{dev.Name}: system-ram, memory {Discover.Device(sysfs, device, Discover.Detail.States)!.State}", steps);
        }

        var outcome = controller.SetHeld(device, movable ? DeviceState.OnlineMovable : DeviceState.Online);
        return outcome with { Steps = [.. steps, .. outcome.Steps] };
    }

    /// <summary>To devdax under the lock the caller holds.</summary>
    internal Outcome ToDevdaxHeld(string device, bool force)
    {
        var dev = Discover.Device(sysfs, device, Discover.Detail.States);
        if (dev is null)
        {
            return Outcome.Usage($"no dax device '{device}' in {sysfs.Describe}");
        }

        if (dev.Driver == "device_dax")
        {
            return new Outcome(OutcomeCode.Done, $"{dev.Name}: already devdax", []);
        }

        var steps = new List<string>();
        if (dev.Blocks.Count > 0)
        {
            if (dev.OnlineBlocks > 0 && !force)
            {
                return new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: {dev.OnlineBlocks} block(s) online; refusing to change modes (use --force to unplug them first)", []);
            }

            var unplug = controller.SetHeld(device, DeviceState.Unplugged);
            steps.AddRange(unplug.Steps);
            if (unplug.Code != OutcomeCode.Done)
            {
                return unplug;
            }
        }

        return SwitchDriver(Discover.Device(sysfs, device, Discover.Detail.None)!, "device_dax", steps)
               ?? new Outcome(OutcomeCode.Done, $"{dev.Name}: devdax", steps);
    }

    // daxctl's sequence: remove_id and unbind from the old driver, new_id to the new one (which binds at once),
    // then bind (EBUSY from that is expected).
    private Outcome? SwitchDriver(DeviceInfo dev, string driver, List<string> steps)
    {
        if (dev.Driver is { } old)
        {
            Step(steps, $"{Drivers}/{old}/remove_id", dev.Name);
            if (Step(steps, $"{Drivers}/{old}/unbind", dev.Name) != 0)
            {
                return new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: could not unbind from {old}", steps);
            }
        }

        Step(steps, $"{Drivers}/{driver}/new_id", dev.Name);
        Step(steps, $"{Drivers}/{driver}/bind", dev.Name);
        var now = Discover.Device(sysfs, dev.Name, Discover.Detail.None)!;
        if (now.Driver == driver)
        {
            return null;
        }

        // Put the old driver back.
        if (dev.Driver is { } previous)
        {
            Step(steps, $"{Drivers}/{driver}/remove_id", dev.Name);
            Step(steps, $"{Drivers}/{previous}/new_id", dev.Name);
            Step(steps, $"{Drivers}/{previous}/bind", dev.Name);
        }

        var back = Discover.Device(sysfs, dev.Name, Discover.Detail.None)!;
        return new Outcome(back.Driver == dev.Driver ? OutcomeCode.RolledBack : OutcomeCode.Stranded,
            $"{dev.Name}: {driver} did not bind (the range may still be held by a failed hot-remove until reboot); now {back.Driver ?? "unbound"}", steps);
    }

    private Errno Step(List<string> steps, string path, string value)
    {
        Errno rc = sysfs.Write(path, value);
        steps.Add($"{path} <- {value}{(rc == 0 ? "" : ": " + ErrnoText.Describe(rc))}");
        return rc;
    }
}
