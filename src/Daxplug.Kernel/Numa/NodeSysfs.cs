using System.Text;
using Daxplug.Kernel.Memory;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Numa;

/// <summary>/sys/devices/system/node, /sys/bus/node and the CPU directories node links point at (drivers/base/node.c).</summary>
internal static class NodeSysfs
{
    public static void Register(KernelModel kernel, KernfsDir sys)
    {
        var system = sys.Dir("devices").Dir("system");
        system.Lazy("node", nodeDir =>
        {
            foreach (var state in Enum.GetValues<NodeState>())
            {
                nodeDir.Add(KernfsAttribute.ReadOnly(NodeStates.FileName(state), () => kernel.NodeStates.Show(state)));
            }

            nodeDir.Add(Uevent.File(kernel, "/devices/system/node", "node"));
            nodeDir.Add(new KernfsDir("power"));
            nodeDir.AddSource(KernfsSource.ById("node", () => RegisteredIds(kernel), id => NodeDir(kernel, (int)id)));
        });

        sys.Dir("bus").Lazy("node", bus =>
        {
            bus.Dir("devices").AddSource(KernfsSource.ById("node", () => RegisteredIds(kernel),
                id => Registered(kernel, (int)id) ? new KernfsLink($"node{id}", $"../../../devices/system/node/node{id}") : null));
            bus.Dir("drivers");
        });

        system.Lazy("cpu", cpuDir =>
        {
            var cpus = kernel.PossibleNodes.SelectMany(n => n.Cpus).Order().ToArray();
            cpuDir.Add(KernfsAttribute.ReadOnly("online", () => KernelFormat.BitmapList(cpus) + "\n"));
            cpuDir.Add(KernfsAttribute.ReadOnly("possible", () => KernelFormat.BitmapList(cpus) + "\n"));
            cpuDir.Add(KernfsAttribute.ReadOnly("present", () => KernelFormat.BitmapList(cpus) + "\n"));
            foreach (var node in kernel.PossibleNodes)
            {
                foreach (var cpu in node.Cpus)
                {
                    cpuDir.Dir($"cpu{cpu}").Add(new KernfsLink($"node{node.Id}", $"../../node/node{node.Id}"))
                          .Add(new KernfsLink("subsystem", "../../../../bus/cpu"))
                          .Add(KernfsAttribute.ReadOnly("online", () => "1\n"));
                }
            }
        });
    }

    private static IEnumerable<long> RegisteredIds(KernelModel kernel) =>
        kernel.PossibleNodes.Where(n => n.Registered).Select(n => (long)n.Id);

    private static bool Registered(KernelModel kernel, int nid) => kernel.Node(nid)?.Registered == true;

    private static KernfsDir? NodeDir(KernelModel kernel, int nid)
    {
        var node = kernel.Node(nid);
        if (node is not { Registered: true })
        {
            return null;
        }

        int nrCpuIds = kernel.PossibleNodes.SelectMany(n => n.Cpus).DefaultIfEmpty(-1).Max() + 1;
        var dir = new KernfsDir($"node{nid}");
        // Models node_read_cpumap(): "%*pb\n" / "%*pbl\n" of the node's CPUs.
        dir.Add(KernfsAttribute.ReadOnly("cpumap", () => KernelFormat.BitmapHex(node.Cpus, nrCpuIds) + "\n"));
        dir.Add(KernfsAttribute.ReadOnly("cpulist", () => KernelFormat.BitmapList(node.Cpus) + "\n"));
        dir.Add(KernfsAttribute.ReadOnly("distance", () => Distance(kernel, nid)));
        dir.Add(KernfsAttribute.ReadOnly("meminfo", () => MemInfo.Node(kernel, node)));
        dir.Add(Uevent.File(kernel, $"/devices/system/node/node{nid}", "node"));
        dir.Add(new KernfsLink("subsystem", "../../../../bus/node"));
        dir.Add(new KernfsDir("power"));
        AddStatistics(kernel, dir);
        foreach (var cpu in node.Cpus)
        {
            dir.Add(new KernfsLink($"cpu{cpu}", $"../../cpu/cpu{cpu}"));
        }

        dir.AddSource(KernfsSource.ById("memory", () => kernel.Blocks.Ids().Where(id => kernel.Blocks.Find(id)?.Nid == nid),
            id => kernel.Blocks.Find(id) is { } b && b.Nid == nid ? new KernfsLink($"memory{id}", $"../../memory/memory{id}") : null));
        return dir;
    }

    // Models node_read_distance(): the distance to every online node, separated by spaces.
    private static string Distance(KernelModel kernel, int nid)
    {
        var sb = new StringBuilder();
        foreach (var other in kernel.NodeStates.Nodes(NodeState.Online))
        {
            sb.Append(other != 0 ? " " : "").Append(KernelFormat.Dec(kernel.Distance(nid, other)));
        }

        return sb.Append('\n').ToString();
    }

    // The per-node files of other subsystems, so that a node directory lists what the kernel's does. The model has
    // no page allocator, huge pages or reclaim behind them: counters read 0 (oracle/DEVIATIONS.md).
    private static void AddStatistics(KernelModel kernel, KernfsDir dir)
    {
        const int mode0200 = 0x80;
        // Models sysfs_compact_node(): compacts the node, always "succeeds".
        dir.Add(new KernfsAttribute("compact", mode0200, null, _ => Errno.None));
        // node_read_numastat(): the six NUMA allocation counters.
        dir.Add(KernfsAttribute.ReadOnly("numastat", () =>
            "numa_hit 0\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 0\nlocal_node 0\nother_node 0\n"));
        // node_read_vmstat(): the node's page-state counters (a few of them).
        dir.Add(KernfsAttribute.ReadOnly("vmstat", () =>
            "nr_inactive_anon 0\nnr_active_anon 0\nnr_inactive_file 0\nnr_active_file 0\nnr_unevictable 0\n" +
            "nr_slab_reclaimable 0\nnr_slab_unreclaimable 0\nnr_isolated_anon 0\nnr_isolated_file 0\n"));
        var hugepages = dir.Dir("hugepages");
        foreach (var size in new[] { "hugepages-1048576kB", "hugepages-2048kB" })
        {
            // nr_hugepages_store(): a request the node cannot satisfy is not an error; it keeps what it got (none).
            hugepages.Dir(size)
                .Add(KernfsAttribute.ReadWrite("nr_hugepages", () => "0\n", buf => SysfsText.KstrToUll(buf, 10, out _) == Errno.None ? Errno.None : Errno.EINVAL))
                .Add(KernfsAttribute.ReadOnly("free_hugepages", () => "0\n"))
                .Add(KernfsAttribute.ReadOnly("surplus_hugepages", () => "0\n"));
        }

        // The memory_failure_attr_group's *_show() (mm/memory-failure.c, 6.4), with CONFIG_MEMORY_FAILURE.
        if (kernel.Machine.MemoryFailure && kernel.Release.AtLeast(6, 4))
        {
            var mf = dir.Dir("memory_failure");
            foreach (var counter in new[] { "delayed", "failed", "ignored", "recovered", "total" })
            {
                mf.Add(KernfsAttribute.ReadOnly(counter, () => "0\n"));
            }
        }

        // Per-node proactive reclaim (6.16): with no reclaimable pages, user_proactive_reclaim() gives EAGAIN.
        if (kernel.Release.AtLeast(6, 16))
        {
            dir.Add(new KernfsAttribute("reclaim", mode0200, null, buf => SysfsText.KstrToUll(buf.Split(' ')[0].TrimEnd('\n'), 10, out _) == Errno.None ? Errno.EAGAIN : Errno.EINVAL));
        }

        // CONFIG_X86_SGX: the "x86" group; its sgx_total_bytes is visible only on hardware with EPC, which no
        // modelled machine has (the QEMU guest shows the directory empty).
        if (kernel.Machine.Sgx)
        {
            dir.Dir("x86");
        }
    }
}
