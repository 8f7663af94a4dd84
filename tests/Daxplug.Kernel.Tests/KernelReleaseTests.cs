using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;

namespace Daxplug.Kernel.Tests;

/// <summary>
/// What differs between the kernel releases the oracle boots (oracle/run.sh found each of these on 6.1 or 6.18):
/// the qemu machine with --set kernel=… must behave like that release.
/// </summary>
public class KernelReleaseTests
{
    private const string Dax = "/sys/bus/dax";

    private static KernelModel Qemu(string release, string auto = "offline")
    {
        var spec = BuiltinMachines.Load("qemu");
        spec.Kernel = release;
        spec.AutoOnlineBlocks = auto;
        return MachineBuilder.Build(spec, AbiProfile.NoAttribute);
    }

    // Before 6.3 device_dax has the device: daxctl's steps hand it to kmem (new_id binds at once).
    private static void HandToKmem(KernelModel k)
    {
        if (!k.Release.AtLeast(6, 3))
        {
            Assert.Equal(Errno.None, k.Echo($"{Dax}/drivers/device_dax/unbind", "dax0.0\n"));
            Assert.Equal(Errno.None, k.Echo($"{Dax}/drivers/kmem/new_id", "dax0.0\n"));
        }
    }

    [Theory]
    [InlineData("6.1", 6, 1)]
    [InlineData("6.12.107+deb12-amd64", 6, 12)]
    [InlineData("6.18", 6, 18)]
    public void Parse_TakesMajorAndMinor(string text, int major, int minor)
    {
        var r = KernelRelease.Parse(text);
        Assert.Equal(new KernelRelease(major, minor), r);
        Assert.True(r.AtLeast(6, 1));
        Assert.False(r.AtLeast(7, 0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("six")]
    [InlineData("6")]
    public void Parse_RejectsOthers(string text) => Assert.Throws<FormatException>(() => KernelRelease.Parse(text));

    [Fact]
    public void Before63_DeviceDaxBindsHmem_AndKmemNeedsAnId()
    {
        var k = Qemu("6.1");
        Assert.True(k.Sysfs.Lookup($"{Dax}/drivers/device_dax/dax0.0", out _) == Errno.None);
        Assert.NotEqual(Errno.None, k.Sysfs.Lookup("/sys/devices/system/memory/memory32", out _));
        Assert.Contains("100000000-13fffffff : hmem.0\n  100000000-13fffffff : Soft Reserved\n", k.Iomem.Format());
        Assert.Equal(Errno.ENOENT, k.Sysfs.Read($"{Dax}/devices/dax0.0/memmap_on_memory", out _));
        Assert.False(k.Sysfs.Lookup("/sys/devices/system/memory/crash_hotplug", out _) == Errno.None);

        // daxctl's steps: unbind device_dax, add the id to kmem (which binds at once), then bind: EBUSY.
        Assert.Equal(Errno.None, k.Echo($"{Dax}/drivers/device_dax/unbind", "dax0.0\n"));
        Assert.Equal(Errno.None, k.Echo($"{Dax}/drivers/kmem/new_id", "dax0.0\n"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{Dax}/drivers/kmem/bind", "dax0.0\n"));
        Assert.Equal("offline", k.State(32));
        Assert.Equal(Errno.None, k.Echo("/sys/devices/system/memory/memory32/state", "online_movable\n"));
        Assert.DoesNotContain("Demotion targets", k.Log.Format()); // printed from 6.10
        k.AssertConsistent();
    }

    [Fact]
    public void Since63_KmemBindsHmem_AndDeviceDaxDoesNotMatch()
    {
        var k = Qemu("6.18");
        Assert.True(k.Sysfs.Lookup($"{Dax}/drivers/kmem/dax0.0", out _) == Errno.None);
        Assert.DoesNotContain("hmem.0", k.Iomem.Format());
        Assert.Equal("0\n", k.Cat($"{Dax}/devices/dax0.0/memmap_on_memory"));
        Assert.Equal("0\n", k.Cat("/sys/devices/system/memory/crash_hotplug"));
        Assert.Equal(Errno.None, k.Echo("/sys/devices/system/memory/memory32/state", "online_movable\n"));
        Assert.Contains("Demotion targets for Node 0: preferred: 1, fallback: 1", k.Log.Format());
        Assert.Contains("Demotion targets for Node 1: null", k.Log.Format());
        Assert.Equal(Errno.None, k.Echo("/sys/devices/system/memory/memory32/state", "offline\n"));
        Assert.EndsWith("Demotion targets for Node 0: null\n", k.Log.Format());
        k.AssertConsistent();
    }

    [Theory]
    [InlineData("6.1", "kmem: probe of dax0.0 failed with error -16")]
    [InlineData("6.12", "kmem dax0.0: probe with driver kmem failed with error -16")]
    public void ProbeFailureMessage_ChangedIn610(string release, string message)
    {
        var k = Qemu(release, "online_movable");
        HandToKmem(k);

        // Unbind with blocks online leaks the range; binding again fails in probe.
        Assert.Equal(Errno.None, k.Echo($"{Dax}/drivers/kmem/unbind", "dax0.0\n"));
        Assert.Equal(Errno.EBUSY, k.Echo($"{Dax}/drivers/kmem/bind", "dax0.0\n"));
        Assert.Contains(message, k.Log.Format());
    }

    [Theory]
    [InlineData("6.1", Errno.None)]
    [InlineData("6.18", Errno.EHWPOISON)]
    public void HardOfflinePage_PoisonsTheBlock_From62(string release, Errno onlineAgain)
    {
        const string mem = "/sys/devices/system/memory";
        var k = Qemu(release, "online_movable");
        HandToKmem(k);

        Assert.Equal(Errno.EINVAL, k.Echo($"{mem}/hard_offline_page", "bogus\n"));
        Assert.Equal(Errno.ENXIO, k.Echo($"{mem}/hard_offline_page", "0x20000000000\n"));
        Assert.Equal(Errno.ENXIO, k.Echo($"{mem}/soft_offline_page", "0x20000000000\n"));
        Assert.Equal(Errno.None, k.Echo($"{mem}/soft_offline_page", "0x108000000\n"));
        Assert.Equal(Errno.None, k.Echo($"{mem}/hard_offline_page", "0x108001000\n"));
        Assert.Equal(Errno.None, k.Echo($"{mem}/memory33/state", "offline\n"));
        Assert.Equal(onlineAgain, k.Echo($"{mem}/memory33/state", "online_movable\n"));
    }

    // As the oracle's 17-page-poison shows on each release: a soft-offlined page counts against its block too; a page
    // poisoned again is EHWPOISON (hard) or 0 with a note (soft), whose wording changed in 6.11.
    [Theory]
    [InlineData("6.1", Errno.None, "soft_offline_page: 0x108002 page already poisoned")]
    [InlineData("6.12", Errno.EHWPOISON, "Soft offline: 0x108002: page already poisoned")]
    public void SoftOfflinePage_CountsAgainstTheBlock_AndAPoisonedPageIsPoisonedOnce(string release, Errno onlineAgain, string note)
    {
        const string mem = "/sys/devices/system/memory";
        var k = Qemu(release, "online_movable");
        HandToKmem(k);

        Assert.Equal(Errno.None, k.Echo($"{mem}/soft_offline_page", "0x108002000\n"));
        Assert.Equal(Errno.None, k.Echo($"{mem}/soft_offline_page", "0x108002000\n"));
        Assert.Contains(note, k.Log.Format());
        Assert.Equal(Errno.None, k.Echo($"{mem}/hard_offline_page", "0x110003000\n"));
        Assert.Equal(Errno.EHWPOISON, k.Echo($"{mem}/hard_offline_page", "0x110003000\n"));
        Assert.Equal(Errno.None, k.Echo($"{mem}/memory33/state", "offline\n"));
        Assert.Equal(onlineAgain, k.Echo($"{mem}/memory33/state", "online_movable\n"));
        Assert.Equal(Errno.None, k.Echo($"{mem}/memory35/state", "offline\n"));
        Assert.Equal(Errno.None, k.Echo($"{mem}/memory35/state", "online_movable\n"));
    }
}
