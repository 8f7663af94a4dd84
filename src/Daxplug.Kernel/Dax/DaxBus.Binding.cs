using System.Globalization;
using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Dax;

/// <summary>The bus's driver stores (bind, unbind, new_id, remove_id, drivers_probe) and how a driver matches a device.</summary>
public sealed partial class DaxBus
{
    // Models dax_bus_match(): the driver's id list, else dax_match_type() (KMEM regions go to kmem).
    public async ValueTask<bool> Match(DaxDriver drv, DevDax dev)
    {
        await using (await BusLock.Hold())
        {
            if (drv.Ids.Any(id => SysfsText.Streq(id, dev.Name)))
            {
                return true;
            }
        }

        // Before 6.3 ("dax: Assign RAM regions to memory-hotplug by default") only device_dax had match_always.
        if (!kernel.Release.AtLeast(6, 3))
        {
            return drv.Type == DaxDriverType.Device;
        }

        var type = dev.Region.IsKmem ? DaxDriverType.Kmem : DaxDriverType.Device;
        return drv.Type == type;
    }

    // Models bind_store() (drivers/base/bus.c): ENODEV unless the named device exists and matches.
    public async ValueTask<Errno> BindStore(DaxDriver drv, string buf)
    {
        var dev = Find(buf);
        if (dev is null || !await Match(drv, dev))
        {
            return Errno.ENODEV;
        }

        return await DeviceDriverAttach(drv, dev);
    }

    // Models unbind_store(): ENODEV unless the device is bound to this driver; otherwise always succeeds.
    public async ValueTask<Errno> UnbindStore(DaxDriver drv, string buf)
    {
        var dev = Find(buf);
        if (dev is null || dev.Driver != drv)
        {
            return Errno.ENODEV;
        }

        await DeviceDriverDetach(dev);
        return Errno.None;
    }

    // Models do_id_store(): exactly "dax%d.%d" (as sprintf prints it back), then add or remove the id; new_id
    // then runs driver_attach(), whose errors are ignored. Removing an unlisted id succeeds.
    public async ValueTask<Errno> IdStore(DaxDriver drv, string buf, bool add)
    {
        if (ParseDevName(buf) is not { } devname || !SysfsText.Streq(buf, devname))
        {
            return Errno.EINVAL;
        }

        await using (await BusLock.Hold())
        {
            var existing = drv.Ids.FirstOrDefault(id => SysfsText.Streq(id, buf));
            if (existing is null && add)
            {
                drv.Ids.Insert(0, devname);
            }
            else if (existing is not null && !add)
            {
                drv.Ids.Remove(existing);
            }
        }

        if (add)
        {
            await DriverAttach(drv);
        }

        return Errno.None;
    }

    // Models drivers_probe_store(): ENODEV for an unknown device, else device_attach() if unbound.
    public async ValueTask<Errno> DriversProbeStore(string buf)
    {
        var dev = Find(buf);
        if (dev is null)
        {
            return Errno.ENODEV;
        }

        if (dev.Driver is null)
        {
            await DeviceAttach(dev);
        }

        return Errno.None;
    }

    /// <summary>"dax%d.%d" as sscanf reads it and sprintf writes it back, or null.</summary>
    private static string? ParseDevName(string buf)
    {
        var s = buf.AsSpan().TrimStart();
        if (!s.StartsWith("dax"))
        {
            return null;
        }

        s = s[3..];
        if (!ScanInt(ref s, out var region) || s.IsEmpty || s[0] != '.')
        {
            return null;
        }

        s = s[1..];
        return ScanInt(ref s, out var id) ? $"dax{region}.{id}" : null;
    }

    // sscanf's %d: optional whitespace and sign, then digits.
    private static bool ScanInt(ref ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        s = s.TrimStart();
        int i = s.Length > 0 && s[0] is '-' or '+' ? 1 : 0;
        int start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (i == start || !long.TryParse(s[..i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        value = unchecked((int)value);
        s = s[i..];
        return true;
    }
}
