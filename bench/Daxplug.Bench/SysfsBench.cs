using BenchmarkDotNet.Attributes;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;

namespace Daxplug.Bench;

/// <summary>Per-operation cost of the sysfs text surface on the default machine.</summary>
[MemoryDiagnoser]
public class SysfsBench
{
    private KernelModel kernel = null!;

    [GlobalSetup]
    public void Setup() => kernel = MachineBuilder.Build(BuiltinMachines.Load("default"));

    [Benchmark]
    public string ReadValidZones()
    {
        kernel.Sysfs.Read("/sys/devices/system/memory/memory200/valid_zones", out var text);
        return text;
    }

    [Benchmark]
    public int OfflineOnlineBlock()
    {
        kernel.Sysfs.Write("/sys/devices/system/memory/memory271/state", "offline\n");
        return kernel.Sysfs.Write("/sys/devices/system/memory/memory271/state", "online_movable\n");
    }

    [Benchmark]
    public MachineSpec BootDefault() => MachineBuilder.Build(BuiltinMachines.Load("default")).Machine;
}
