namespace Daxplug.TestKit;

/// <summary>A dump of the "host" machine against this machine's real /sys (read only).</summary>
public static class HostComparison
{
    /// <summary>The files that must be byte-identical between /sys and a dump of the host model.</summary>
    public static IEnumerable<string> ComparedFiles()
    {
        yield return "devices/system/memory/block_size_bytes";
        yield return "devices/system/memory/auto_online_blocks";
        foreach (var dir in Directory.EnumerateDirectories("/sys/devices/system/memory", "memory*"))
        {
            foreach (var file in new[] { "state", "online", "phys_index", "phys_device", "removable", "valid_zones" })
            {
                yield return $"devices/system/memory/{Path.GetFileName(dir)}/{file}";
            }
        }

        foreach (var mask in new[] { "possible", "online", "has_normal_memory", "has_memory", "has_cpu", "has_generic_initiator" })
        {
            yield return $"devices/system/node/{mask}";
        }

        foreach (var tier in Directory.EnumerateDirectories("/sys/devices/virtual/memory_tiering", "memory_tier*"))
        {
            yield return $"devices/virtual/memory_tiering/{Path.GetFileName(tier)}/nodelist";
        }
    }

    /// <summary>Asserts a dump under <paramref name="root"/>/sys matches the real files and node links.</summary>
    public static void AssertMatchesHost(string root)
    {
        int compared = 0;
        foreach (var rel in ComparedFiles())
        {
            var real = TempDir.ReadSysfs(Path.Combine("/sys", rel));
            var dumped = Path.Combine(root, "sys", rel);
            Assert.True(File.Exists(dumped), $"missing {rel}");
            Assert.True(real.AsSpan().SequenceEqual(File.ReadAllBytes(dumped)), $"{rel}: real '{System.Text.Encoding.ASCII.GetString(real)}' dumped '{File.ReadAllText(dumped)}'");
            compared++;
        }

        foreach (var dir in Directory.EnumerateDirectories("/sys/devices/system/memory", "memory*"))
        {
            var name = Path.GetFileName(dir);
            var links = Directory.EnumerateFileSystemEntries(dir, "node*").Select(p => (Path.GetFileName(p), new FileInfo(p).LinkTarget)).ToList();
            var dumpedDir = Path.Combine(root, "sys/devices/system/memory", name);
            var dumpedLinks = Directory.EnumerateFileSystemEntries(dumpedDir, "node*").Select(p => (Path.GetFileName(p), new FileInfo(p).LinkTarget)).ToList();
            Assert.Equal(links, dumpedLinks);
        }

        var realBlocks = Directory.EnumerateDirectories("/sys/devices/system/memory", "memory*").Select(Path.GetFileName).Order();
        var dumpedBlocks = Directory.EnumerateDirectories(Path.Combine(root, "sys/devices/system/memory"), "memory*").Select(Path.GetFileName).Order();
        Assert.Equal(realBlocks, dumpedBlocks);
        Assert.True(compared > 8, "nothing was compared");
    }
}
