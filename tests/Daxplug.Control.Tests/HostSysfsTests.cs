using Daxplug.Control.Discovery;
using Daxplug.Control.Sysfs;
using Xunit;

namespace Daxplug.Control.Tests;

/// <summary>HostSysfs on a directory tree shaped like sysfs (a temp dir stands for /sys; nothing real is touched).</summary>
public sealed class HostSysfsTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("daxplug-hostsysfs-");

    public void Dispose() => root.Delete(recursive: true);

    private string Sys => Path.Combine(root.FullName, "sys");

    private void File(string sysPath, string text)
    {
        var path = Sys + sysPath[4..];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
    }

    [Fact]
    public void IsHost_IsDecidedByWhatTheRootIs_NotByItsName()
    {
        // Read-only checks: nothing is written anywhere.
        File("/sys/devices/system/memory/block_size_bytes", "8000000\n");
        var link = Path.Combine(root.FullName, "s");
        Directory.CreateSymbolicLink(link, "/sys");
        Assert.True(new HostSysfs("/sys").IsHost);
        Assert.True(new HostSysfs(link).IsHost);
        Assert.Equal("/sys", new HostSysfs(link).Describe);
        Assert.True(new HostSysfs("/sys/../sys").IsHost);
        Assert.True(new HostSysfs("/sys/kernel/../../sys/").IsHost);
        Assert.False(new HostSysfs(Sys).IsHost);
        Assert.Equal(Sys, new HostSysfs(Sys).Describe);
    }

    [Fact]
    public void ReadAll_returns_every_value_in_order_also_when_spread_over_threads()
    {
        // 3000 paths: past the batch size at which a real sysfs is read by several threads.
        var paths = new List<string>();
        for (int i = 0; i < 3000; i++)
        {
            if (i % 7 != 3)
            {
                File($"/sys/devices/system/memory/memory{i}/state", i % 2 == 0 ? "online\n" : "offline\n");
            }

            paths.Add($"/sys/devices/system/memory/memory{i}/state");
        }

        var results = new HostSysfs(Sys).ReadAll(paths);

        Assert.Equal(3000, results.Length);
        for (int i = 0; i < 3000; i++)
        {
            Assert.Equal(i % 7 == 3 ? (Errno.ENOENT, "") : (Errno.None, i % 2 == 0 ? "online\n" : "offline\n"), results[i]);
        }
    }

    [Fact]
    public void ReadAll_with_paths_in_different_directories_and_an_empty_batch()
    {
        File("/sys/devices/system/memory/block_size_bytes", "8000000\n");
        File("/sys/bus/dax/devices/dax0.0/size", "1024\n");
        var sysfs = new HostSysfs(Sys);

        Assert.Empty(sysfs.ReadAll([]));
        Assert.Equal(
            [(Errno.None, "8000000\n"), (Errno.None, "1024\n"), (Errno.ENOENT, "")],
            sysfs.ReadAll(["/sys/devices/system/memory/block_size_bytes", "/sys/bus/dax/devices/dax0.0/size", "/sys/bus/nothing"]));
    }

    [Fact]
    public void Read_returns_a_value_longer_than_a_page_whole()
    {
        var text = string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i:D8}\n"));
        File("/sys/firmware/long", text);

        Assert.Equal(Errno.None, new HostSysfs(Sys).Read("/sys/firmware/long", out var read));
        Assert.Equal(text, read);
    }

    [Fact]
    public void List_names_entries_and_links_without_dot_entries_and_keeps_errno()
    {
        File("/sys/devices/system/node/node1/meminfo", "x\n");
        Directory.CreateDirectory(Path.Combine(Sys, "devices/system/memory/memory40"));
        System.IO.File.CreateSymbolicLink(Path.Combine(Sys, "devices/system/node/node1/memory40"), "../../memory/memory40");
        System.IO.File.CreateSymbolicLink(Path.Combine(Sys, "devices/system/node/node1/dangling"), "../../nowhere");
        var sysfs = new HostSysfs(Sys);

        Assert.Equal(Errno.None, sysfs.List("/sys/devices/system/node/node1", out var names));
        Assert.Equal(["dangling", "meminfo", "memory40"], names.Order(StringComparer.Ordinal));
        Assert.Equal(Errno.ENOENT, sysfs.List("/sys/devices/system/node/node9", out _));
        Assert.Equal(Errno.ENOTDIR, sysfs.List("/sys/devices/system/node/node1/meminfo", out _));
    }

    [Fact]
    public void Discovery_of_blocks_by_listing_skips_blocks_that_do_not_exist()
    {
        File("/sys/devices/system/memory/block_size_bytes", "8000000\n");
        foreach (var id in new[] { 32, 33, 35, 70 })
        {
            File($"/sys/devices/system/memory/memory{id}/state", id == 33 ? "online\n" : "offline\n");
            File($"/sys/devices/system/memory/memory{id}/valid_zones", id == 33 ? "Movable\n" : "Normal Movable\n");
        }

        // 32 blocks of range [32, 63] (enough to list the directory first) and block 70.
        var blocks = Discover.Blocks(new HostSysfs(Sys), 0x8000000, [(32UL * 0x8000000, 64UL * 0x8000000 - 1), (70UL * 0x8000000, 71UL * 0x8000000 - 1)], node: 1, Discover.Detail.States);

        Assert.Equal([32L, 33, 35, 70], blocks.Select(b => b.Id));
        Assert.Equal(["offline", "online", "offline", "offline"], blocks.Select(b => b.State));
        Assert.Equal(["", "Movable", "", ""], blocks.Select(b => b.Zones));
        Assert.All(blocks, b => Assert.Equal(1, b.Node));
    }

    [Fact]
    public void Discovery_from_valid_zones_alone_derives_each_blocks_state()
    {
        File("/sys/devices/system/memory/block_size_bytes", "8000000\n");
        File("/sys/devices/system/memory/memory32/valid_zones", "Movable\n");
        File("/sys/devices/system/memory/memory33/valid_zones", "Normal Movable\n");
        File("/sys/devices/system/memory/memory34/valid_zones", "Movable Normal\n");
        File("/sys/devices/system/memory/memory35/valid_zones", "none\n");

        var blocks = Discover.Blocks(new HostSysfs(Sys), 0x8000000, [(32UL * 0x8000000, 36UL * 0x8000000 - 1)], node: 1, Discover.Detail.Zones);

        Assert.Equal(["online", "offline", "offline", "online"], blocks.Select(b => b.State));
        Assert.Equal(["Movable", null, null, "none"], blocks.Select(b => b.Zone));
    }
}
