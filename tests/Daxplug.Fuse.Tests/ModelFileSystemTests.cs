using System.Text;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;

namespace Daxplug.Fuse.Tests;

/// <summary>The mounted tree's rules, without a mount.</summary>
public class ModelFileSystemTests
{
    private const int ORdOnly = 0, OWrOnly = 1, ORdWr = 2;

    // The cover letter's contract on 6.18 (dax1.0/hotplug, hmem.0 under /sys/devices/platform).
    private static ModelFileSystem Fs()
    {
        var spec = BuiltinMachines.Load("default");
        spec.Kernel = "6.18";
        return new(MachineBuilder.Build(spec, AbiProfile.Hotplug));
    }

    [Fact]
    public void GetAttr_KindsModesAndSizes()
    {
        var fs = Fs();
        Assert.Equal(Errno.None, fs.GetAttr("/sys/devices/system/memory/memory40/state", out var state));
        Assert.Equal(new FileEntry(EntryKind.File, 0x1a4, 4096), state);
        Assert.Equal(Errno.None, fs.GetAttr("/sys/devices/system/memory/memory40/valid_zones", out var zones));
        Assert.Equal(0x124, zones.Mode);
        Assert.Equal(Errno.None, fs.GetAttr("/sys/bus/dax/drivers/kmem/bind", out var bind));
        Assert.Equal(0x80, bind.Mode);
        Assert.Equal(Errno.None, fs.GetAttr("/sys/bus/dax/devices/dax0.0", out var link));
        Assert.Equal(EntryKind.Link, link.Kind);
        Assert.Equal(Errno.None, fs.GetAttr("/sys/devices/system/memory", out var dir));
        Assert.Equal(EntryKind.Directory, dir.Kind);
        Assert.Equal(Errno.None, fs.GetAttr("/proc/iomem", out var iomem));
        Assert.Equal(0x124, iomem.Mode);
        Assert.Equal(Errno.ENOENT, fs.GetAttr("/sys/devices/system/memory/memory9999", out _));
        Assert.Equal(Errno.ENOENT, fs.GetAttr("/etc", out _));
    }

    [Fact]
    public void ReadLinkAndReadDir()
    {
        var fs = Fs();
        Assert.Equal(Errno.None, fs.ReadLink("/sys/bus/dax/devices/dax0.0", out var target));
        Assert.Equal("../../../devices/platform/hmem.0/dax0.0", target);
        Assert.Equal(Errno.EINVAL, fs.ReadLink("/sys/devices/system/memory/block_size_bytes", out _));
        Assert.Equal(Errno.None, fs.ReadDir("/", out var root));
        Assert.Equal(["sys", "proc", "dev"], root);
        Assert.Equal(Errno.None, fs.ReadDir("/proc", out var proc));
        Assert.Equal(["iomem", "meminfo", "zoneinfo"], proc);
        Assert.Equal(Errno.None, fs.ReadDir("/sys/bus/dax/devices", out var devices));
        Assert.Equal(["dax0.0", "dax1.0"], devices);
        Assert.Equal(Errno.ENOTDIR, fs.ReadDir("/sys/devices/system/memory/block_size_bytes", out _));
    }

    [Fact]
    public void Kmsg_OneRecordPerRead_EagainAtTheEndWhenNonBlocking_AndWritesAreUserRecords()
    {
        const int ONonblock = 0x800;
        var fs = Fs();
        Assert.Equal(Errno.None, fs.Open("/dev/kmsg", ORdWr, out var writer));
        Assert.Equal(9, fs.Write(writer, "<6>one\n\\x"u8));
        Assert.Equal(-(int)Errno.EINVAL, fs.Write(writer, new byte[993]));
        Assert.Equal(Errno.None, fs.Open("/dev/kmsg", ORdOnly | ONonblock, out var reader));
        var buffer = new byte[256];
        var records = new List<string>();
        int n;
        while ((n = fs.Read(reader, buffer, 0)) > 0)
        {
            records.Add(System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        }

        Assert.Equal(-(int)Errno.EAGAIN, n);
        Assert.StartsWith("5,0,", records[0], StringComparison.Ordinal);
        Assert.Matches(@"^14,1,\d+,-;one\\x0a\\x5cx\n$", records[^1]);
        Assert.Equal(-(int)Errno.EINVAL, ReadFirstInto(fs, new byte[4]));
        fs.Release(reader);
        fs.Release(writer);
        Assert.Equal(0, fs.OpenFiles);
    }

    // A record does not fit a 4-byte buffer: devkmsg_read() answers EINVAL.
    private static int ReadFirstInto(ModelFileSystem fs, byte[] buffer)
    {
        Assert.Equal(Errno.None, fs.Open("/dev/kmsg", ORdOnly, out var h));
        int n = fs.Read(h, buffer, 0);
        fs.Release(h);
        return n;
    }

    [Fact]
    public void Open_KernfsPermissionRules()
    {
        var fs = Fs();
        Assert.Equal(Errno.EACCES, fs.Open("/sys/devices/system/memory/memory40/valid_zones", OWrOnly, out _));
        Assert.Equal(Errno.EACCES, fs.Open("/sys/devices/system/memory/memory40/valid_zones", ORdWr, out _));
        Assert.Equal(Errno.EACCES, fs.Open("/sys/bus/dax/devices/dax0.0/mapping", ORdOnly, out _));
        Assert.Equal(Errno.EACCES, fs.Open("/proc/iomem", OWrOnly, out _));
        Assert.Equal(Errno.None, fs.Open("/sys/bus/dax/devices/dax0.0/mapping", OWrOnly, out var h));
        fs.Release(h);
        Assert.Equal(0, fs.OpenFiles);
    }

    [Fact]
    public void Read_IsASnapshotPerOpenFile()
    {
        var fs = Fs();
        Assert.Equal(Errno.None, fs.Open("/sys/devices/system/memory/memory40/state", ORdOnly, out var reader));
        var buf = new byte[3];
        Assert.Equal(3, fs.Read(reader, buf, 0));
        Assert.Equal("onl", Encoding.ASCII.GetString(buf));
        Assert.Equal(Errno.None, fs.Open("/sys/devices/system/memory/memory40/state", OWrOnly, out var writer));
        Assert.Equal(8, fs.Write(writer, "offline\n"u8));
        Assert.Equal(3, fs.Read(reader, buf, 3));
        Assert.Equal("ine", Encoding.ASCII.GetString(buf));
        Assert.Equal(1, fs.Read(reader, buf, 6));
        Assert.Equal(0, fs.Read(reader, buf, 7));
        Assert.Equal(3, fs.Read(reader, buf, 0));
        Assert.Equal("off", Encoding.ASCII.GetString(buf));
        fs.Release(reader);
        fs.Release(writer);
    }

    [Fact]
    public void Write_OneWriteIsOneStore_WithTheStoresErrno()
    {
        var fs = Fs();
        Assert.Equal(Errno.None, fs.Open("/sys/bus/dax/devices/dax1.0/hotplug", OWrOnly, out var h));
        Assert.Equal(-(int)Errno.EINVAL, fs.Write(h, "unplugged\n"u8));
        Assert.Equal(15, fs.Write(h, "online_movable\n"u8));
        Assert.Equal(-(int)Errno.EBUSY, fs.Write(h, "online\n"u8));
        Assert.Equal(0, fs.Write(h, ReadOnlySpan<byte>.Empty));
        Assert.Equal(-(int)Errno.EBADF, fs.Write(999, "x"u8));
        Assert.Equal("online_movable\n", fs.Kernel.Sysfs.Read("/sys/bus/dax/devices/dax1.0/hotplug", out var text) == Errno.None ? text : "");
    }
}
