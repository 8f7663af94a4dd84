using System.Diagnostics;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;

namespace Daxplug.Bench;

/// <summary>
/// Whole-device transitions of the "tib" machine's 1 TiB dax0.0 (8192 blocks), in process: one attribute write
/// per profile versus a per-block loop on mainline (what daxctl does, minus its I/O).
/// </summary>
internal static class TibDevice
{
    public static int Run()
    {
        foreach (var abi in new[] { AbiProfile.Hotplug, AbiProfile.StateV7 })
        {
            var k = MachineBuilder.Build(BuiltinMachines.Load("tib"), abi);
            string attr = abi == AbiProfile.StateV7 ? "state" : "hotplug";
            string unplug = abi == AbiProfile.StateV7 ? "unplugged" : "unplug";
            if (abi == AbiProfile.StateV7)
            {
                Write(k, $"/sys/bus/dax/devices/dax0.0/{attr}", unplug);
            }

            var sw = Stopwatch.StartNew();
            Write(k, $"/sys/bus/dax/devices/dax0.0/{attr}", "online_movable");
            var online = sw.Elapsed;
            sw.Restart();
            Write(k, $"/sys/bus/dax/devices/dax0.0/{attr}", unplug);
            Console.WriteLine($"{KernelChoice.Of(abi).Name}: online_movable 1 TiB in {online.TotalMilliseconds:F0} ms, {unplug} in {sw.Elapsed.TotalMilliseconds:F0} ms");
        }

        var m = MachineBuilder.Build(BuiltinMachines.Load("tib"), AbiProfile.NoAttribute);
        var blocks = m.Blocks.Ids().Where(id => id >= 8192).ToArray();
        var timer = Stopwatch.StartNew();
        foreach (var id in blocks)
        {
            Write(m, $"/sys/devices/system/memory/memory{id}/state", "online_movable");
        }

        Console.WriteLine($"mainline: {blocks.Length} per-block online_movable writes in {timer.Elapsed.TotalMilliseconds:F0} ms");
        return 0;
    }

    private static void Write(KernelModel k, string path, string value)
    {
        int rc = k.Sysfs.Write(path, value + "\n");
        if (rc < 0)
        {
            throw new InvalidOperationException($"{path} <- {value}: errno {-rc}");
        }
    }
}
