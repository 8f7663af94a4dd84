using Daxplug.Kernel.Machines;
using static Daxplug.TestKit.TestKernel;

namespace Daxplug.Kernel.Tests;

/// <summary>A static (pmem) region: one fixed device, device_dax by default, no region editing.</summary>
public class PmemRegionTests
{
    private const string Dev = "/sys/bus/dax/devices/dax5.0";

    private static KernelModel Pmem(AbiProfile abi = AbiProfile.NoAttribute)
    {
        var spec = SmallSpec();
        spec.DaxRegions = [new DaxRegionSpec { Id = 5, Kind = "pmem", Range = "0x200000000-0x23fffffff", TargetNode = 1 }];
        return MachineBuilder.Build(spec, abi);
    }

    [Fact]
    public void Static_DeviceDaxBindsAndClaimsIomem_NoRegionEditing()
    {
        var k = Pmem();
        Assert.Equal(Errno.None, k.Sysfs.RealPath($"{Dev}/driver", out var driver));
        Assert.Equal("/sys/bus/dax/drivers/device_dax", driver);
        Assert.Contains("200000000-23fffffff : Persistent Memory\n  200000000-23fffffff : dax5.0\n", k.Iomem.Format());
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/devices/platform/pmem.5/dax_region/available_size", out _));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read("/sys/devices/platform/pmem.5/dax_region/seed", out _));
        Assert.Equal(Errno.ENOENT, k.Sysfs.Open($"{Dev}/mapping", read: false, write: true));
        Assert.Equal(Errno.EACCES, k.Sysfs.Open($"{Dev}/size", read: false, write: true));
        Assert.Equal(Errno.EACCES, k.Sysfs.Open($"{Dev}/align", read: false, write: true));
        Assert.Equal("1073741824\n", k.Cat("/sys/devices/platform/pmem.5/dax_region/size"));
        Assert.Equal(Errno.ENODEV, k.Echo("/sys/bus/dax/drivers/kmem/bind", "dax5.0"));
        k.AssertConsistent();
    }

    [Fact]
    public void Static_ToSystemRam_TheDaxctlWay()
    {
        var k = Pmem();
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/drivers/device_dax/remove_id", "dax5.0"));
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/drivers/device_dax/unbind", "dax5.0"));
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/drivers/kmem/new_id", "dax5.0"));
        Assert.Equal(Errno.EBUSY, k.Echo("/sys/bus/dax/drivers/kmem/bind", "dax5.0"));
        Assert.Equal("offline", k.State(64));
        Assert.Equal("Normal Movable", k.Zones(64));
        Assert.Contains("  200000000-23fffffff : dax5.0\n    200000000-23fffffff : System RAM (kmem)\n", k.Iomem.Format());
        k.AssertConsistent();
    }

    [Fact]
    public void Static_V3_OnlineTypeIsZeroFromCreation()
    {
        // pmem.c is not touched by v3: the device's online type is 0 (offline), so after the policy changes the
        // probe leaves it unplugged.
        var k = Pmem(AbiProfile.HotplugV3);
        Assert.Equal(Errno.None, k.Echo("/sys/devices/system/memory/auto_online_blocks", "online"));
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/drivers/device_dax/unbind", "dax5.0"));
        Assert.Equal(Errno.None, k.Echo("/sys/bus/dax/drivers/kmem/new_id", "dax5.0"));
        Assert.Equal("unplugged\n", k.Cat($"{Dev}/hotplug"));
        Assert.Equal(Errno.None, k.Echo($"{Dev}/hotplug", "online_movable"));
        Assert.Equal("Movable", k.Zones(64));
        k.AssertConsistent();
    }
}
