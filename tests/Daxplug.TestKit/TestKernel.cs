using System.Text;
using Daxplug.Kernel;
using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Machines;
using Daxplug.Kernel.Memory;
using Daxplug.Sim.Machines;

namespace Daxplug.TestKit;

/// <summary>Builds kernels for tests and drives them through the sysfs text surface.</summary>
public static class TestKernel
{
    public const string Mem = "/sys/devices/system/memory";

    /// <summary>The release the unit tests model (7.x differences are the oracle's and their own tests' business).</summary>
    public const string Release = "6.18";

    public static KernelModel Default(AbiProfile abi = AbiProfile.Hotplug)
    {
        var spec = BuiltinMachines.Load("default");
        spec.Kernel = Release;
        return MachineBuilder.Build(spec, abi);
    }

    /// <summary>A small machine: node0 with CPUs and 2 GiB at 4 GiB.. plus CPU-less node1 for hot-add.</summary>
    public static MachineSpec SmallSpec() => new()
    {
        Name = "small",
        Kernel = Release,
        Nodes =
        [
            new NodeSpec { Id = 0, Cpus = "0-1", Memory = ["0x1000-0x9fbff", "0x100000-0x7fffffff", "0x100000000-0x17fffffff"] },
            new NodeSpec { Id = 1, Cpus = "", Memory = [] },
        ],
    };

    public static KernelModel Small(Action<MachineSpec>? edit = null)
    {
        var spec = SmallSpec();
        edit?.Invoke(spec);
        return MachineBuilder.Build(spec, AbiProfile.Hotplug);
    }

    /// <summary>Reads a file; fails the test on an errno.</summary>
    public static string Cat(this KernelModel k, string path)
    {
        var rc = k.Sysfs.Read(path, out var text);
        Assert.True(rc == Errno.None, $"read {path}: {rc}");
        return text;
    }

    /// <summary>Writes like echo (the text as given); returns the errno (None on success).</summary>
    public static Errno Echo(this KernelModel k, string path, string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        int rc = k.Sysfs.Write(path, bytes);
        if (rc >= 0)
        {
            Assert.Equal(bytes.Length, rc);
            return Errno.None;
        }

        return (Errno)(-rc);
    }

    public static string State(this KernelModel k, long block) => k.Cat($"{Mem}/memory{block}/state").TrimEnd('\n');

    public static string Zones(this KernelModel k, long block) => k.Cat($"{Mem}/memory{block}/valid_zones").TrimEnd('\n');

    /// <summary>Hot-adds [start, start+size) on <paramref name="nid"/> through add_memory_driver_managed.</summary>
    public static Errno AddMemory(this KernelModel k, int nid, ulong start, ulong size, OnlineType? type = null) =>
        k.Hotplug.AddMemoryDriverManaged(nid, start, size, "System RAM (kmem)", MhpFlags.None, type).Sync();

    public static long Id(this KernelModel k, ulong addr) => (long)(addr / k.BlockSizeBytes);

    /// <summary>Asserts every invariant of the model holds.</summary>
    public static void AssertConsistent(this KernelModel k)
    {
        var problems = Invariants.Check(k);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
