using static Daxplug.TestKit.TestKernel;

namespace Daxplug.Kernel.Tests;

/// <summary>Regions, devices and drivers of the dax bus (docs/kernel-abi.md §2), on the default machine.</summary>
public class DaxBusTests
{
    private const string Dev0 = "/sys/bus/dax/devices/dax0.0";
    private const string Dev1 = "/sys/bus/dax/devices/dax1.0";
    private const string Region0 = "/sys/devices/platform/hmem.0/dax_region";
    private const string Region1 = "/sys/devices/platform/hmem.1/dax_region";
    private const string Kmem = "/sys/bus/dax/drivers/kmem";
    private const string DeviceDax = "/sys/bus/dax/drivers/device_dax";

    /// <summary>Offlines (already offline at boot) and unbinds a device from kmem.</summary>
    private static void Unbind(KernelModel k, string dev) => Assert.Equal(Errno.None, k.Echo($"{Kmem}/unbind", dev));

    [Fact]
    public void Devices_ReadAsTheKernelPrintsThem()
    {
        var k = Default();
        Assert.Equal("34359738368\n", k.Cat($"{Dev0}/size"));
        Assert.Equal("0x1000000000\n", k.Cat($"{Dev0}/mapping0/start"));
        Assert.Equal("0x17ffffffff\n", k.Cat($"{Dev0}/mapping0/end"));
        Assert.Equal("0x0\n", k.Cat($"{Dev0}/mapping0/page_offset"));
        Assert.Equal("2\n", k.Cat($"{Dev0}/target_node"));
        Assert.Equal("0\n", k.Cat($"{Dev0}/numa_node"));
        Assert.Equal("0x1000000000\n", k.Cat($"{Dev0}/resource"));
        Assert.Equal("2097152\n", k.Cat($"{Dev0}/align"));
        Assert.Equal("dax:t0\n", k.Cat($"{Dev0}/modalias"));
        Assert.Equal("251:0\n", k.Cat($"{Dev0}/dev"));
        Assert.Equal("0\n", k.Cat($"{Dev0}/memmap_on_memory"));
        Assert.Equal("MAJOR=251\nMINOR=0\nDEVNAME=dax0.0\nDRIVER=kmem\nMODALIAS=dax:t0\n", k.Cat($"{Dev0}/uevent"));
        Assert.Equal("17179869184\n", k.Cat($"{Dev1}/size"));
        Assert.Equal("0x2400000000\n", k.Cat($"{Dev1}/mapping1/start"));
        Assert.Equal("0x200000\n", k.Cat($"{Dev1}/mapping1/page_offset"));
        Assert.Equal("1\n", k.Cat($"{Dev1}/numa_node"));
        Assert.Equal("251:1\n", k.Cat("/sys/dev/char/251:1/dev"));
        Assert.Equal("/sys/bus/dax", Resolve(k, "/sys/dev/char/251:1/subsystem"));
        Assert.Equal("/sys/bus/dax/drivers/kmem", Resolve(k, $"{Dev0}/driver"));
        Assert.Equal(Errno.EACCES, k.Sysfs.Read($"{Dev0}/mapping", out _));
        Assert.Equal(Errno.EACCES, k.Sysfs.Open($"{Dev0}/resource", read: false, write: true));
        k.AssertConsistent();
    }

    [Fact]
    public void Regions_ReadAsTheKernelPrintsThem()
    {
        var k = Default();
        Assert.Equal("34359738368\n", k.Cat($"{Region0}/size"));
        Assert.Equal("2097152\n", k.Cat($"{Region0}/align"));
        Assert.Equal("0\n", k.Cat($"{Region0}/available_size"));
        Assert.Equal("17179869184\n", k.Cat($"{Region1}/available_size"));
        Assert.Equal("1\n", k.Cat($"{Region1}/id"));
        Assert.Equal("\n", k.Cat($"{Region0}/seed"));
        Assert.Equal("\n", k.Cat($"{Region0}/create"));
        Assert.Equal(Errno.EACCES, k.Sysfs.Read($"{Region0}/delete", out _));
        Assert.Contains("1000000000-17ffffffff : Soft Reserved\n  1000000000-17ffffffff : dax0.0\n    1000000000-17ffffffff : System RAM (kmem)\n", k.Iomem.Format());
    }

    [Fact]
    public void Size_Errors()
    {
        var k = Default();
        Assert.Equal(Errno.EBUSY, k.Echo($"{Dev0}/size", "0x400000000"));
        Unbind(k, "dax0.0");
        Assert.Equal(Errno.EINVAL, k.Echo($"{Dev0}/size", "12345"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Dev0}/size", "0x400000000 "));
        Assert.Equal(Errno.ENOSPC, k.Echo($"{Dev0}/size", "0x900000000"));
        Assert.Equal("34359738368\n", k.Cat($"{Dev0}/size"));
        Assert.Equal(Errno.None, k.Echo($"{Dev0}/size", "0x400000000\n"));
        Assert.Equal("0x13ffffffff\n", k.Cat($"{Dev0}/mapping0/end"));
        Assert.Equal("17179869184\n", k.Cat($"{Region0}/available_size"));
        k.AssertConsistent();
    }

    [Fact]
    public void Size_ShrinkTrimsLastRange_GrowthIsFirstFit()
    {
        var k = Default();
        Unbind(k, "dax1.0");
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/size", $"{12UL << 30}"));
        Assert.Equal("0x24ffffffff\n", k.Cat($"{Dev1}/mapping1/end"));
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/size", $"{8UL << 30}"));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read($"{Dev1}/mapping1/start", out _));
        // Growing again fills the first gap: right after mapping0, extending it (it is the last range).
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/size", $"{10UL << 30}"));
        Assert.Equal("0x227fffffff\n", k.Cat($"{Dev1}/mapping0/end"));
        k.AssertConsistent();
    }

    [Fact]
    public void Size_GrowthWithADeviceInTheGap_AddsARange()
    {
        var k = Default();
        Unbind(k, "dax1.0");
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/size", $"{8UL << 30}"));
        Assert.Equal(Errno.None, k.Echo($"{Region1}/create", "1"));
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/devices/dax1.1/size", $"{2UL << 30}"));
        Assert.Equal("0x2200000000\n", k.Cat("/sys/bus/dax/devices/dax1.1/mapping0/start"));
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/size", $"{10UL << 30}"));
        Assert.Equal("0x2280000000\n", k.Cat($"{Dev1}/mapping1/start"));
        Assert.Equal("0x200000\n", k.Cat($"{Dev1}/mapping1/page_offset"));
        k.AssertConsistent();
    }

    [Fact]
    public void Mapping_ClaimsAGivenRange()
    {
        var k = Default();
        Assert.Equal(Errno.None, k.Echo($"{Region1}/create", "1"));
        const string dev = "/sys/bus/dax/devices/dax1.1";
        Assert.Equal(Errno.EINVAL, k.Echo($"{dev}/mapping", "2200000000"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{dev}/mapping", "xyz-1"));
        Assert.Equal(Errno.ENOMEM, k.Echo($"{dev}/mapping", "2000000000-203fffffff"));
        Assert.Equal(Errno.ENOMEM, k.Echo($"{dev}/mapping", "3000000000-303fffffff"));
        // A misaligned length is accepted without allocating anything (the kernel's quirk).
        Assert.Equal(Errno.None, k.Echo($"{dev}/mapping", "2200000000-2200000fff"));
        Assert.Equal("0\n", k.Cat($"{dev}/size"));
        Assert.Equal(Errno.None, k.Echo($"{dev}/mapping", "0x2600000000-0x263fffffff\n"));
        Assert.Equal("1073741824\n", k.Cat($"{dev}/size"));
        Assert.Equal("0x2600000000\n", k.Cat($"{dev}/resource"));
        k.AssertConsistent();
    }

    [Fact]
    public void CreateSeedDelete_AsTheOracleShows()
    {
        var k = Default();
        Unbind(k, "dax0.0");
        Assert.Equal(Errno.None, k.Echo($"{Dev0}/size", $"{16UL << 30}"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Region0}/create", "2"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Region0}/create", "one"));
        Assert.Equal(Errno.None, k.Echo($"{Region0}/create", "1"));
        Assert.Equal("dax0.1\n", k.Cat($"{Region0}/seed"));
        Assert.Equal("dax0.1\n", k.Cat($"{Region0}/create"));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/bus/dax/devices/dax0.1/driver/unbind", out _));
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/devices/dax0.1/size", $"{16UL << 30}"));
        Assert.Equal("0x1400000000\n", k.Cat("/sys/bus/dax/devices/dax0.1/mapping0/start"));
        Assert.Equal(Errno.ENOSPC, k.Echo($"{Region0}/create", "1"));
        Assert.Equal(Errno.None, k.Echo($"{Kmem}/bind", "dax0.1"));
        Assert.Equal("\n", k.Cat($"{Region0}/seed"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{Region0}/delete", "dax0.1"));
        Unbind(k, "dax0.1");
        Assert.Equal(Errno.EBUSY, k.Echo($"{Region0}/delete", "dax0.1"));
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/devices/dax0.1/size", "0"));
        Assert.Equal(Errno.None, k.Echo($"{Region0}/delete", "dax0.1\n"));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/bus/dax/devices/dax0.1/size", out _));
        Assert.Equal(Errno.ENXIO, k.Echo($"{Region0}/delete", "dax0.1"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{Region0}/delete", "dax0.0"));
        Assert.Equal("\n", k.Cat($"{Region0}/create"));
        k.AssertConsistent();
    }

    [Fact]
    public void Align_Errors()
    {
        var k = Default();
        Assert.Equal(Errno.ENXIO, k.Echo($"{Dev1}/align", "big"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Dev1}/align", "65536"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{Dev1}/align", "1073741824"));
        Unbind(k, "dax1.0");
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/size", $"{(8UL << 30) + (2UL << 20)}"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Dev1}/align", "1073741824"));
        Assert.Equal("2097152\n", k.Cat($"{Dev1}/align"));
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/size", $"{8UL << 30}"));
        Assert.Equal(Errno.None, k.Echo($"{Dev1}/align", "0x40000000"));
        Assert.Equal("1073741824\n", k.Cat($"{Dev1}/align"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Dev1}/size", $"{(8UL << 30) + (2UL << 20)}"));
    }

    [Fact]
    public void MemmapOnMemory_NeedsSupportAndAnUnboundDevice()
    {
        var k = Default();
        Assert.Equal(Errno.EOPNOTSUPP, k.Echo($"{Dev0}/memmap_on_memory", "1"));
        Assert.Equal(Errno.None, k.Echo($"{Dev0}/memmap_on_memory", "0"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Dev0}/memmap_on_memory", "x"));

        var spec = Daxplug.Sim.Machines.BuiltinMachines.Load("default");
        spec.MemmapOnMemory = "Y";
        k = Machines.MachineBuilder.Build(spec);
        Assert.Equal(Errno.EBUSY, k.Echo($"{Dev0}/memmap_on_memory", "1"));
        Unbind(k, "dax0.0");
        Assert.Equal(Errno.None, k.Echo($"{Dev0}/memmap_on_memory", "1"));
        Assert.Equal("1\n", k.Cat($"{Dev0}/memmap_on_memory"));
    }

    [Fact]
    public void Drivers_BindUnbindAndIds()
    {
        var k = Default();
        Assert.Equal(Errno.ENODEV, k.Echo($"{Kmem}/bind", "dax9.0"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{Kmem}/bind", "dax0.0"));
        Assert.Equal(Errno.ENODEV, k.Echo($"{DeviceDax}/bind", "dax0.0"));
        Assert.Equal(Errno.ENODEV, k.Echo($"{DeviceDax}/unbind", "dax0.0"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Kmem}/new_id", "dax0.0x"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Kmem}/new_id", "dax00.0"));
        Assert.Equal(Errno.EINVAL, k.Echo($"{Kmem}/new_id", "0.0"));
        Assert.Equal(Errno.None, k.Echo($"{DeviceDax}/remove_id", "dax3.3"));

        // daxctl reconfigure-device -m devdax: remove_id, unbind, new_id (binds at once), bind (EBUSY, ignored).
        Assert.Equal(Errno.None, k.Echo($"{Kmem}/remove_id", "dax0.0\0"));
        Assert.Equal(Errno.None, k.Echo($"{Dev0}/driver/unbind", "dax0.0\0"));
        Assert.Equal(Errno.None, k.Echo($"{DeviceDax}/new_id", "dax0.0\0"));
        Assert.Equal("/sys/bus/dax/drivers/device_dax", Resolve(k, $"{Dev0}/driver"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{DeviceDax}/bind", "dax0.0\0"));
        Assert.Contains("  1000000000-17ffffffff : dax0.0\n", k.Iomem.Format());
        Assert.DoesNotContain("1000000000-17ffffffff : System RAM (kmem)", k.Iomem.Format());
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read($"{Dev0}/hotplug", out _));
        k.AssertConsistent();
    }

    [Fact]
    public void DriversAutoprobe_Off_LeavesNewDevicesUnbound()
    {
        var k = Default();
        Assert.Equal("1\n", k.Cat("/sys/bus/dax/drivers_autoprobe"));
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/drivers_autoprobe", "0"));
        Assert.Equal("0\n", k.Cat("/sys/bus/dax/drivers_autoprobe"));
        Assert.Equal(Errno.None, k.Echo($"{Region1}/create", "1"));
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/devices/dax1.1/size", $"{4UL << 30}"));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/bus/dax/devices/dax1.1/driver/uevent", out _));
        Assert.Equal(Errno.ENODEV, k.Echo("/sys/bus/dax/drivers_probe", "dax7.7"));
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/drivers_probe", "dax1.1"));
        Assert.Equal("/sys/bus/dax/drivers/kmem", Resolve(k, "/sys/bus/dax/devices/dax1.1/driver"));
        k.AssertConsistent();
    }

    [Fact]
    public void Uevents_ForBindUnbindAndBlocks()
    {
        var k = Default();
        var events = new List<string>();
        using var sub = k.Uevents.Subscribe(e => events.Add($"{e.Action} {e.DevPath} {e.Subsystem}"));
        Unbind(k, "dax1.0");
        Assert.Equal(Errno.None, k.Echo($"{Kmem}/bind", "dax1.0"));
        Assert.Contains("remove /devices/system/memory/memory1024 memory", events);
        Assert.Contains("unbind /devices/platform/hmem.1/dax1.0 dax", events);
        Assert.Contains("add /devices/system/memory/memory1215 memory", events);
        Assert.Equal("bind /devices/platform/hmem.1/dax1.0 dax", events[^1]);
    }

    private static string Resolve(KernelModel k, string path)
    {
        Assert.Equal(Errno.None, k.Sysfs.RealPath(path, out var real));
        return real;
    }
}
