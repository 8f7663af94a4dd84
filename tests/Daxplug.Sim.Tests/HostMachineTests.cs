using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;

namespace Daxplug.Sim.Tests;

/// <summary>
/// The "host" machine against the running kernel's own files. Reads the real /sys only; writes go to a temp
/// directory.
/// </summary>
public class HostMachineTests
{
    [Fact]
    public void HostModel_DumpIsByteIdenticalToThisMachine()
    {
        var k = MachineBuilder.Build(BuiltinMachines.Load("host"));
        using var tmp = new TempDir();
        SysfsDump.Write(k.Sysfs, tmp.Path);
        HostComparison.AssertMatchesHost(tmp.Path);
        k.AssertConsistent();
    }

    [Fact]
    public void HostMachine_ReadsFromAGivenRoot()
    {
        using var tmp = new TempDir();
        var sys = Path.Combine(tmp.Path, "sys");
        var proc = Path.Combine(tmp.Path, "proc");
        Directory.CreateDirectory(Path.Combine(sys, "devices/system/memory/memory1"));
        Directory.CreateDirectory(Path.Combine(sys, "devices/system/memory/memory2"));
        Directory.CreateDirectory(Path.Combine(sys, "devices/system/node/node0"));
        Directory.CreateDirectory(proc);
        File.WriteAllText(Path.Combine(sys, "devices/system/memory/block_size_bytes"), "8000000\n");
        File.WriteAllText(Path.Combine(sys, "devices/system/memory/auto_online_blocks"), "online\n");
        File.CreateSymbolicLink(Path.Combine(sys, "devices/system/memory/memory1/node0"), "../../node/node0");
        File.CreateSymbolicLink(Path.Combine(sys, "devices/system/memory/memory2/node0"), "../../node/node0");
        File.WriteAllText(Path.Combine(sys, "devices/system/node/possible"), "0\n");
        File.WriteAllText(Path.Combine(sys, "devices/system/node/online"), "0\n");
        File.WriteAllText(Path.Combine(sys, "devices/system/node/node0/cpulist"), "0-3\n");
        File.WriteAllText(Path.Combine(proc, "iomem"), "08000000-17ffffff : System RAM\n  09000000-0900ffff : Kernel code\n");
        File.WriteAllText(Path.Combine(proc, "cmdline"), "quiet movable_node\n");
        File.WriteAllText(Path.Combine(proc, "devices"), "Character devices:\n  1 mem\n254 ndctl\n253 dimmctl\n\nBlock devices:\n252 zram\n");

        var spec = HostMachine.Read(sys, proc);
        Assert.Equal("online", spec.AutoOnlineBlocks);
        Assert.True(spec.MovableNode);
        Assert.Equal("0-3", Assert.Single(spec.Nodes).Cpus);
        Assert.Equal(["0x8000000-0x17ffffff"], spec.Nodes[0].Memory);
        // No "dax" yet: the kernel would take the highest free dynamic major (block majors do not count).
        Assert.Equal(252, spec.DaxMajor);
        var k = MachineBuilder.Build(spec);
        Assert.Equal("online\n", k.Cat("/sys/devices/system/memory/memory2/state"));
        Assert.Equal("DMA32\n", k.Cat("/sys/devices/system/memory/memory2/valid_zones"));

        // The kernel image is in the model's /proc/iomem and its block refuses to go offline; the next one goes.
        Assert.Equal("08000000-17ffffff : System RAM\n  09000000-0900ffff : Kernel code\n", k.Iomem.Format());
        Assert.Equal(Errno.EBUSY, k.Echo("/sys/devices/system/memory/memory1/state", "offline"));
        Assert.Equal(Errno.None, k.Echo("/sys/devices/system/memory/memory2/state", "offline"));
    }

    [Fact]
    public void Host_DaxMajor_IsThisMachines()
    {
        var line = File.ReadLines("/proc/devices").TakeWhile(l => !l.StartsWith("Block", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(w => w.Length == 2 && w[1] == "dax");
        var spec = HostMachine.Read();
        if (line is not null)
        {
            Assert.Equal(int.Parse(line[0], System.Globalization.CultureInfo.InvariantCulture), spec.DaxMajor);
        }
        else
        {
            Assert.InRange(spec.DaxMajor, 234, 254);
        }
    }

    [Fact]
    public void Host_MemoryDirectoryHasTheSameFilesAsThisMachine()
    {
        var k = MachineBuilder.Build(HostMachine.Read(), AbiProfile.NoAttribute);
        Assert.Equal(Errno.None, k.Sysfs.List("/sys/devices/system/memory", out var names));
        static bool NotABlock(string n) => !(n.StartsWith("memory", StringComparison.Ordinal) && n.Length > 6 && char.IsDigit(n[6]));
        var real = Directory.EnumerateFileSystemEntries("/sys/devices/system/memory").Select(Path.GetFileName).OfType<string>().Where(NotABlock).Order();
        Assert.Equal(real, names.Where(NotABlock).Order());

        // And node0's directory: statistics files and config-dependent groups (memory_failure, x86) as here.
        Assert.Equal(Errno.None, k.Sysfs.List("/sys/devices/system/node/node0", out var nodeNames));
        var realNode = Directory.EnumerateFileSystemEntries("/sys/devices/system/node/node0").Select(Path.GetFileName).OfType<string>().Where(NotABlock).Order();
        Assert.Equal(realNode, nodeNames.Where(NotABlock).Order());
    }
}
