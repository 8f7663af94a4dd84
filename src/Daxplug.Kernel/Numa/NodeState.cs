using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Numa;

/// <summary>enum node_states (include/linux/nodemask.h) as the files of /sys/devices/system/node show them.</summary>
public enum NodeState
{
    Possible,
    Online,
    NormalMemory,
    Memory,
    Cpu,
    GenericInitiator,
}

/// <summary>node_states[]: one node mask per state.</summary>
public sealed class NodeStates
{
    private readonly SortedSet<int>[] masks = Enumerable.Range(0, 6).Select(_ => new SortedSet<int>()).ToArray();
    private readonly Lock gate = new();

    /// <summary>The sysfs file name of each mask (node_state_attr[] in drivers/base/node.c).</summary>
    public static string FileName(NodeState state) => state switch
    {
        NodeState.Possible => "possible",
        NodeState.Online => "online",
        NodeState.NormalMemory => "has_normal_memory",
        NodeState.Memory => "has_memory",
        NodeState.Cpu => "has_cpu",
        _ => "has_generic_initiator",
    };

    public bool Has(int nid, NodeState state)
    {
        lock (gate)
        {
            return masks[(int)state].Contains(nid);
        }
    }

    public void Set(int nid, NodeState state)
    {
        lock (gate)
        {
            masks[(int)state].Add(nid);
        }
    }

    public void Clear(int nid, NodeState state)
    {
        lock (gate)
        {
            masks[(int)state].Remove(nid);
        }
    }

    public int[] Nodes(NodeState state)
    {
        lock (gate)
        {
            return masks[(int)state].ToArray();
        }
    }

    // Models show_node_state() (drivers/base/node.c): "%*pbl\n".
    public string Show(NodeState state) => KernelFormat.BitmapList(Nodes(state)) + "\n";
}
