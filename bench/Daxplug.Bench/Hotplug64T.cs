using System.Diagnostics;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;

namespace Daxplug.Bench;

/// <summary>
/// Issue 2's scale goal, as a whole-process measurement: boot a 64 TiB host (524,288 blocks of 128 MiB), then
/// offline 16 TiB of it block by block through sysfs and online it again. Prints wall times and memory.
/// </summary>
internal static class Hotplug64T
{
    private const ulong TiB = 1UL << 40;

    public static int Run()
    {
        var spec = new MachineSpec
        {
            Name = "64t",
            Nodes =
            [
                new NodeSpec { Id = 0, Cpus = "0-63", Memory = ["0x1000-0x9fbff", "0x100000-0x7fffffff", $"0x100000000-0x{(32 * TiB) + 0x80000000 - 1:x}"] },
                new NodeSpec { Id = 1, Cpus = "64-127", Memory = [$"0x{(32 * TiB) + 0x80000000:x}-0x{(64 * TiB) + 0x80000000 - 1:x}"] },
            ],
        };
        long before = GC.GetTotalMemory(true);
        var sw = Stopwatch.StartNew();
        var kernel = MachineBuilder.Build(spec);
        var build = sw.Elapsed;
        long heap = GC.GetTotalMemory(true) - before;
        Console.WriteLine($"build (cold, incl. JIT): {kernel.Blocks.Count} blocks in {build.TotalMilliseconds:F0} ms, heap {heap / (1 << 20)} MiB");
        sw.Restart();
        var again = MachineBuilder.Build(spec);
        Console.WriteLine($"build (warm): {again.Blocks.Count} blocks in {sw.Elapsed.TotalMilliseconds:F0} ms");
        again = null;

        // The top 16 TiB of node1, offlined from the top down (so the Normal span shrinks each time), then
        // onlined into ZONE_MOVABLE bottom-up.
        var ids = kernel.Blocks.Ids();
        var top = ids[^(int)(16 * TiB / kernel.BlockSizeBytes)..];
        sw.Restart();
        foreach (var id in top.Reverse())
        {
            Check(kernel.Sysfs.Write($"/sys/devices/system/memory/memory{id}/state", "offline\n"), id);
        }

        var offline = sw.Elapsed;
        sw.Restart();
        foreach (var id in top)
        {
            Check(kernel.Sysfs.Write($"/sys/devices/system/memory/memory{id}/state", "online_movable\n"), id);
        }

        var online = sw.Elapsed;
        Console.WriteLine($"offline 16 TiB ({top.Length} blocks): {offline.TotalMilliseconds:F0} ms ({top.Length / offline.TotalSeconds:F0} blocks/s)");
        Console.WriteLine($"online_movable 16 TiB: {online.TotalMilliseconds:F0} ms ({top.Length / online.TotalSeconds:F0} blocks/s)");
        sw.Restart();
        var problems = Invariants.Check(kernel);
        Console.WriteLine($"invariants: {(problems.Count == 0 ? "ok" : string.Join("; ", problems.Take(3)))} ({sw.ElapsedMilliseconds} ms)");
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB, heap now {(GC.GetTotalMemory(true) - before) / (1 << 20)} MiB");
        GC.KeepAlive(again);
        GC.KeepAlive(kernel);
        return problems.Count == 0 ? 0 : 1;
    }

    private static void Check(int rc, long id)
    {
        if (rc < 0)
        {
            throw new InvalidOperationException($"memory{id}: errno {-rc}");
        }
    }
}
