using System.Globalization;
using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Dax;

/// <summary>
/// The dax bus (drivers/dax/bus.c) and the parts of the driver core it uses (drivers/base/{bus,dd}.c): device
/// registration, matching by id list or region type, bind/unbind, new_id/remove_id, autoprobe.
/// </summary>
public sealed partial class DaxBus
{
    /// <summary>The "dax" char device major: dynamic in the kernel, so the machine says it (251 on the 6.18
    /// oracle, 252 on 6.12).</summary>
    public int Major => kernel.Machine.DaxMajor;

    private readonly KernelModel kernel;
    private readonly List<DaxRegion> regions = [];
    private readonly SortedSet<int> minors = [];

    internal DaxBus(KernelModel kernel)
    {
        this.kernel = kernel;
        BusLock = new KernelMutex("dax_bus_lock", 3, () => kernel.Scheduler);
        RegionRwsem = new KernelMutex("dax_region_rwsem", 1, () => kernel.Scheduler);
        DevRwsem = new KernelMutex("dax_dev_rwsem", 4, () => kernel.Scheduler);
        // Lock order as the kernel takes them: dax_region_rwsem (create_store holds it across device_add and its
        // autoprobe) -> device_lock -> dax_bus_lock -> dax_dev_rwsem -> kmem's data->lock -> device_hotplug_lock.
        // device_dax registers before kmem, so it is tried first by device_attach().
        DeviceDax = new DaxDriver("device_dax", DaxDriverType.Device, dev => new(DeviceDaxProbe(dev)), dev =>
        {
            DeviceDaxRemove(dev);
            return ValueTask.CompletedTask;
        });
        Kmem = new DaxDriver("kmem", DaxDriverType.Kmem, kernel.KmemDriver.Probe, kernel.KmemDriver.Remove);
    }

    public DaxDriver DeviceDax { get; }

    public DaxDriver Kmem { get; }

    public IReadOnlyList<DaxDriver> Drivers => [DeviceDax, Kmem];

    /// <summary>/sys/bus/dax/drivers_autoprobe.</summary>
    public bool DriversAutoprobe { get; set; } = true;

    /// <summary>dax_bus_lock: protects the drivers' id lists.</summary>
    internal KernelMutex BusLock { get; }

    /// <summary>dax_region_rwsem: region resources, seed and youngest.</summary>
    internal KernelMutex RegionRwsem { get; }

    /// <summary>dax_dev_rwsem: device ranges, align, memmap_on_memory.</summary>
    internal KernelMutex DevRwsem { get; }

    public IReadOnlyList<DaxRegion> Regions
    {
        get
        {
            lock (regions)
            {
                return regions.ToArray();
            }
        }
    }

    /// <summary>Every registered device, by region then id.</summary>
    public IEnumerable<DevDax> Devices
    {
        get
        {
            var list = new List<DevDax>();
            foreach (var region in Regions)
            {
                lock (region.Devices)
                {
                    list.AddRange(region.Devices.Values);
                }
            }

            return list;
        }
    }

    // Models bus_find_device_by_name(): device_match_name() is sysfs_streq().
    public DevDax? Find(string name) => Devices.FirstOrDefault(d => SysfsText.Streq(name, d.Name));

    public DaxDriver? DriverByName(string name) => Drivers.FirstOrDefault(d => d.Name == name);

    public DevDax? ByMinor(int minor) => Devices.FirstOrDefault(d => d.Minor == minor);

    // Models device_driver_attach() -> __driver_probe_device() -> really_probe().
    public async ValueTask<Errno> DeviceDriverAttach(DaxDriver drv, DevDax dev)
    {
        await using var _ = await dev.DeviceLock.Hold();
        if (dev.Dead)
        {
            return Errno.ENODEV;
        }

        if (dev.Driver is not null)
        {
            return Errno.EBUSY;
        }

        dev.Driver = drv;
        var rc = await DaxBusProbe(drv, dev);
        if (rc != Errno.None)
        {
            // Models call_driver_probe(): ENODEV/ENXIO are a quiet "rejects match".
            if (rc is not (Errno.ENODEV or Errno.ENXIO))
            {
                // 6.10 made it dev_err ("driver core: Make probe failure messages..."); before, a pr_warn.
                if (kernel.Release.AtLeast(6, 10))
                {
                    kernel.Log.Err($"{drv.Name} {dev.Name}: probe with driver {drv.Name} failed with error {-(int)rc}");
                }
                else
                {
                    kernel.Log.Warn($"{drv.Name}: probe of {dev.Name} failed with error {-(int)rc}");
                }
            }

            dev.Driver = null;
            return rc;
        }

        kernel.Uevents.Emit("bind", "/" + dev.SysPath, "dax", ("DRIVER", drv.Name));
        return Errno.None;
    }

    // Models device_driver_detach() -> device_remove(): the driver's remove() always completes.
    public async ValueTask DeviceDriverDetach(DevDax dev)
    {
        await using var _ = await dev.DeviceLock.Hold();
        if (dev.Driver is not { } drv)
        {
            return;
        }

        await drv.Remove(dev);
        dev.Driver = null;
        kernel.Uevents.Emit("unbind", "/" + dev.SysPath, "dax");
    }

    // Models driver_attach(): try every unbound matching device; errors are ignored.
    private async ValueTask DriverAttach(DaxDriver drv)
    {
        foreach (var dev in Devices)
        {
            if (dev.Driver is null && await Match(drv, dev))
            {
                await DeviceDriverAttach(drv, dev);
            }
        }
    }

    // Models device_attach() at device_add(): the drivers in registration order until one binds.
    internal async ValueTask DeviceAttach(DevDax dev)
    {
        foreach (var drv in Drivers)
        {
            if (await Match(drv, dev) && await DeviceDriverAttach(drv, dev) == Errno.None)
            {
                return;
            }
        }
    }

    // Models dax_bus_probe(): a 0-size or invalidated device is ENXIO; a dynamic region's seed is cleared on
    // the seed's first successful probe.
    private async ValueTask<Errno> DaxBusProbe(DaxDriver drv, DevDax dev)
    {
        if (dev.Size == 0 || dev.Id < 0)
        {
            return Errno.ENXIO;
        }

        var rc = await drv.Probe(dev);
        if (rc != Errno.None || dev.Region.IsStatic)
        {
            return rc;
        }

        if (dev.Region.Seed == dev)
        {
            dev.Region.Seed = null;
        }

        return Errno.None;
    }
}
