using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Kernel.Sysfs;
using Daxplug.Sim.Machines;
using static Daxplug.TestKit.TestKernel;

namespace Daxplug.Sim.Tests;

public class SimStateTests
{
    [Fact]
    public void SaveAndLoad_GivesTheSameTreeAndState()
    {
        var k = Default();
        SimState.Record(k);
        k.Echo($"{Mem}/memory268/state", "offline");
        k.Echo($"{Mem}/memory267/state", "offline");
        k.Echo($"{Mem}/memory267/state", "online_movable");
        k.Echo($"{Mem}/memory266/state", "bogus");
        k.Echo("/sys/kernel/debug/daxplug/memory/memory200/unmovable", "1");
        k.Echo($"{Mem}/memory200/state", "offline");
        k.Echo($"{Mem}/auto_online_blocks", "online_movable");
        k.Echo("/sys/module/memory_hotplug/parameters/online_policy", "auto-movable");
        using var tmp = new TempDir();
        var loaded = SimState.Deserialize(SimState.Serialize(k));

        Assert.Equal(Dump(k, tmp, "a"), Dump(loaded, tmp, "b"));
        Assert.Equal("Movable", loaded.Zones(267));
        Assert.Equal(k.Node(1)![Kernel.Memory.ZoneType.Movable].SpannedPages, loaded.Node(1)![Kernel.Memory.ZoneType.Movable].SpannedPages);
        Assert.Equal(8, loaded.Journal.Count);

        loaded.Echo($"{Mem}/memory268/state", "online_kernel");
        Assert.Equal("Normal", SimState.Deserialize(SimState.Serialize(loaded)).Zones(268));
    }

    [InlineData("\"kernel\": \"nope\", \"writes\": []", "kernel: 'nope' is not one of")]
    [InlineData("\"writes\": [{\"path\": \"/proc/x\", \"data\": \"\"}]", "writes[0]: path must be a /sys path")]
    [InlineData("\"writes\": [{\"path\": \"/sys/x\", \"data\": \"%%\"}]", "writes[0]: data is not base64")]
    [InlineData("\"writes\": [{\"path\": \"/sys/devices/system/memory/memory99999/state\", \"data\": \"b2ZmbGluZQo=\"}]", "writes[0]: /sys/devices/system/memory/memory99999/state cannot be written on this machine (ENOENT)")]
    [Theory]
    public void Deserialize_BadContent_IsFormatExceptionNamingTheField(string rest, string message)
    {
        var json = "{\"machine\": {\"nodes\": [{\"id\": 0, \"cpus\": \"0\", \"memory\": [\"0x0-0x7ffffff\"]}]}, " + rest + "}";
        var e = Assert.Throws<FormatException>(() => SimState.Deserialize(json));
        Assert.StartsWith(message, e.Message);
    }

    private static Dictionary<string, string> Dump(KernelModel k, TempDir tmp, string name)
    {
        var dir = Path.Combine(tmp.Path, name);
        SysfsDump.Write(k.Sysfs, dir);
        return TempDir.Walk(dir).ToDictionary(f => Path.GetRelativePath(dir, f), f => new FileInfo(f).LinkTarget ?? File.ReadAllText(f));
    }
}
