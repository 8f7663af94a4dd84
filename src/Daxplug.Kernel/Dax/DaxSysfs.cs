using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Dax;

/// <summary>
/// The dax bus in sysfs: /sys/bus/dax, the region parents under /sys/devices/platform with their dax_region
/// group and daxR.N devices, /sys/dev/char links, and /sys/module entries for the two drivers.
/// </summary>
internal static class DaxSysfs
{
    private const int Mode0200 = 0x80;
    private const int Mode0400 = 0x100;

    public static void Register(KernelModel kernel, KernfsDir sys)
    {
        var bus = kernel.Dax;
        sys.Dir("bus").Lazy("dax", daxBus =>
        {
            daxBus.Dir("devices").AddSource(new KernfsSource(
                () => bus.Devices.Select(d => d.Name),
                name => bus.Devices.FirstOrDefault(d => d.Name == name) is { } dev ? new KernfsLink(name, $"../../../{dev.SysPath}") : null));
            var drivers = daxBus.Dir("drivers");
            foreach (var drv in bus.Drivers)
            {
                var dir = drivers.Dir(drv.Name);
                dir.Add(new KernfsAttribute("bind", Mode0200, null, buf => bus.BindStore(drv, buf)));
                dir.Add(new KernfsAttribute("unbind", Mode0200, null, buf => bus.UnbindStore(drv, buf)));
                dir.Add(new KernfsAttribute("new_id", Mode0200, null, buf => bus.IdStore(drv, buf, add: true)));
                dir.Add(new KernfsAttribute("remove_id", Mode0200, null, buf => bus.IdStore(drv, buf, add: false)));
                dir.Add(Uevent.WriteOnly(kernel, $"/bus/dax/drivers/{drv.Name}", "drivers"));
                dir.Add(new KernfsLink("module", $"../../../../module/{drv.Name}"));
                dir.AddSource(new KernfsSource(
                    () => bus.Devices.Where(d => d.Driver == drv).Select(d => d.Name),
                    name => bus.Devices.FirstOrDefault(d => d.Name == name && d.Driver == drv) is { } dev ? new KernfsLink(name, $"../../../../{dev.SysPath}") : null));
            }

            // Models drivers_autoprobe_show()/_store(): '0' turns it off, anything else on.
            daxBus.Add(KernfsAttribute.ReadWrite("drivers_autoprobe", () => (bus.DriversAutoprobe ? "1" : "0") + "\n", buf =>
            {
                bus.DriversAutoprobe = !buf.StartsWith('0');
                return Errno.None;
            }));
            daxBus.Add(new KernfsAttribute("drivers_probe", Mode0200, null, bus.DriversProbeStore));
            daxBus.Add(Uevent.WriteOnly(kernel, "/bus/dax", "dax"));
        });

        foreach (var drv in bus.Drivers)
        {
            sys.Dir("module").Lazy(drv.Name, module =>
            {
                module.Add(KernfsAttribute.ReadOnly("initstate", () => "live\n"));
                module.Add(KernfsAttribute.ReadOnly("refcnt", () => "0\n"));
                module.Add(Uevent.File(kernel, $"/module/{drv.Name}", "module"));
                module.Dir("drivers").Add(new KernfsLink($"dax:{drv.Name}", $"../../../bus/dax/drivers/{drv.Name}"));
            });
        }

        sys.Dir("devices").Dir("platform").AddSource(PlatformChildren(kernel, "devices/platform"));

        sys.Dir("dev").Dir("char").AddSource(new KernfsSource(
            () => bus.Devices.Select(d => $"{bus.Major}:{d.Minor}"),
            name => bus.Devices.FirstOrDefault(d => $"{bus.Major}:{d.Minor}" == name) is { } dev ? new KernfsLink(name, $"../../{dev.SysPath}") : null));
    }

    // The platform devices below PATH on the way to a region's parent: the parent itself (hmem.0), or the device
    // above it (hmem_platform.0, from 7.1).
    private static KernfsSource PlatformChildren(KernelModel kernel, string path) => new(
        () => kernel.Dax.Regions.Select(r => ChildOnPath(r, path)).OfType<string>().Distinct(),
        name => kernel.Dax.Regions.FirstOrDefault(r => ChildOnPath(r, path) == name) is { } region ? PlatformDevice(kernel, region, $"{path}/{name}") : null);

    // The relative way from a directory below /sys back to /sys, for the links in it ("../../../" for devices/x/y).
    private static string ToSysRoot(string sysPath) => string.Concat(Enumerable.Repeat("../", sysPath.Count(c => c == '/') + 1));

    private static string? ChildOnPath(DaxRegion region, string path) =>
        region.ParentPath.StartsWith(path + "/", StringComparison.Ordinal) ? region.ParentPath[(path.Length + 1)..].Split('/')[0] : null;

    // A platform device bound to the driver its name starts with (platform_match() by name): uevent, modalias,
    // driver, subsystem, power; the region's parent also has numa_node, the dax_region group and the devices.
    private static KernfsDir PlatformDevice(KernelModel kernel, DaxRegion region, string path)
    {
        string name = path[(path.LastIndexOf('/') + 1)..];
        string driver = name[..name.LastIndexOf('.')];
        string up = ToSysRoot(path);
        var dir = new KernfsDir(name);
        dir.Add(Uevent.File(kernel, "/" + path, "platform", () => $"DRIVER={driver}\nMODALIAS=platform:{driver}\n"));
        dir.Add(KernfsAttribute.ReadOnly("modalias", () => $"platform:{driver}\n"));
        dir.Add(new KernfsLink("driver", $"{up}bus/platform/drivers/{driver}"));
        dir.Add(new KernfsLink("subsystem", $"{up}bus/platform"));
        dir.Add(new KernfsDir("power"));
        if (path != region.ParentPath)
        {
            dir.AddSource(PlatformChildren(kernel, path));
            return dir;
        }

        dir.Add(KernfsAttribute.ReadOnly("numa_node", () => KernelFormat.Dec(region.NumaNode) + "\n"));
        dir.Add(RegionDir(kernel.Dax, region));
        dir.AddSource(new KernfsSource(
            () => region.Devices.Values.ToArray().Select(d => d.Name),
            n => region.Devices.Values.ToArray().FirstOrDefault(d => d.Name == n) is { } dev ? DeviceDir(kernel, dev) : null));
        return dir;
    }

    private static KernfsDir RegionDir(DaxBus bus, DaxRegion region)
    {
        var dir = new KernfsDir("dax_region");
        if (!region.IsStatic)
        {
            dir.Add(KernfsAttribute.ReadOnly("available_size", () => KernelFormat.Dec((long)region.AvailableSize) + "\n"));
        }

        dir.Add(KernfsAttribute.ReadOnly("size", () => KernelFormat.Dec((long)region.Size) + "\n"));
        dir.Add(KernfsAttribute.ReadOnly("align", () => KernelFormat.Dec(region.Align) + "\n", Mode0400));
        if (!region.IsStatic)
        {
            dir.Add(KernfsAttribute.ReadWrite("create", () => (region.Youngest?.Name ?? "") + "\n", buf => bus.CreateStore(region, buf)));
            dir.Add(KernfsAttribute.ReadOnly("seed", () => (region.Seed?.Name ?? "") + "\n"));
            dir.Add(new KernfsAttribute("delete", Mode0200, null, buf => bus.DeleteStore(region, buf)));
        }

        dir.Add(KernfsAttribute.ReadOnly("id", () => KernelFormat.Dec(region.Id) + "\n"));
        return dir;
    }

    // The attribute files of a dax device (dev_dax_attributes[] with dev_dax_visible()) and what kmem adds.
    private static KernfsDir DeviceDir(KernelModel kernel, DevDax dev)
    {
        var bus = kernel.Dax;
        bool dynamic = !dev.Region.IsStatic;
        var dir = new KernfsDir(dev.Name);
        dir.Add(KernfsAttribute.ReadOnly("modalias", () => "dax:t0\n"));
        dir.Add(new KernfsAttribute("size", dynamic ? 0x1a4 : 0x124, () => KernelFormat.Dec((long)dev.Size) + "\n", dynamic ? buf => bus.SizeStore(dev, buf) : (Func<string, ValueTask<Errno>>?)null));
        if (dynamic)
        {
            dir.Add(new KernfsAttribute("mapping", Mode0200, null, buf => bus.MappingStore(dev, buf)));
        }

        if (dev.Region.TargetNode >= 0)
        {
            dir.Add(KernfsAttribute.ReadOnly("target_node", () => KernelFormat.Dec(dev.Region.TargetNode) + "\n"));
        }

        dir.Add(new KernfsAttribute("align", dynamic ? 0x1a4 : 0x124, () => KernelFormat.Dec(dev.Align) + "\n", dynamic ? buf => bus.AlignStore(dev, buf) : (Func<string, ValueTask<Errno>>?)null));
        // Models resource_show(): "%#llx" of the first range, or of the region without ranges; 0400.
        dir.Add(KernfsAttribute.ReadOnly("resource", () => KernelFormat.HexPrefixed(dev.Ranges.Count > 0 ? dev.Ranges[0].Start : dev.Region.Res.Start) + "\n", Mode0400));
        dir.Add(KernfsAttribute.ReadOnly("numa_node", () => KernelFormat.Dec(dev.Region.NumaNode) + "\n"));
        // memmap_on_memory came with 6.8 ("dax: add a sysfs knob to control memmap_on_memory behavior").
        if (kernel.Release.AtLeast(6, 8))
        {
            dir.Add(KernfsAttribute.ReadWrite("memmap_on_memory", () => (dev.MemmapOnMemory ? "1" : "0") + "\n", buf => bus.MemmapOnMemoryStore(dev, buf)));
        }

        dir.Add(KernfsAttribute.ReadOnly("dev", () => $"{bus.Major}:{dev.Minor}\n"));
        dir.Add(Uevent.File(kernel, "/" + dev.SysPath, "dax", () =>
            $"MAJOR={bus.Major}\nMINOR={dev.Minor}\nDEVNAME={dev.Name}\n" + (dev.Driver is { } d ? $"DRIVER={d.Name}\n" : "") + "MODALIAS=dax:t0\n"));
        dir.Add(new KernfsLink("subsystem", $"{ToSysRoot(dev.SysPath)}bus/dax"));
        dir.Add(new KernfsDir("power"));
        if (dev.Driver is { } drv)
        {
            dir.Add(new KernfsLink("driver", $"{ToSysRoot(dev.SysPath)}bus/dax/drivers/{drv.Name}"));
        }

        if (dev.Driver == bus.Kmem && dev.Kmem is not null && kernel.KmemDriver.AttributeName is { } attr)
        {
            dir.Add(new KernfsAttribute(attr, 0x1a4, () => kernel.KmemDriver.AttributeShow(dev) ?? "", buf => kernel.KmemDriver.AttributeStore(dev, buf)));
        }

        foreach (var range in dev.Ranges.ToArray())
        {
            var mapping = dir.Dir($"mapping{range.MappingId}");
            mapping.Add(KernfsAttribute.ReadOnly("start", () => KernelFormat.HexPrefixed(range.Start) + "\n", Mode0400));
            mapping.Add(KernfsAttribute.ReadOnly("end", () => KernelFormat.HexPrefixed(range.End) + "\n", Mode0400));
            mapping.Add(KernfsAttribute.ReadOnly("page_offset", () => KernelFormat.HexPrefixed(range.Pgoff) + "\n", Mode0400));
            mapping.Add(Uevent.File(kernel, $"/{dev.SysPath}/mapping{range.MappingId}", ""));
            mapping.Add(new KernfsDir("power"));
        }

        return dir;
    }
}
