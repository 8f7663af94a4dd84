using Daxplug.Kernel.Locking;
using Daxplug.Kernel.Numa;
using Daxplug.Kernel.Resource;

namespace Daxplug.Kernel.Dax;

/// <summary>
/// The series' per-device state: UNPLUGGED (-1) or an mmop value. kmem before 7.3 has no state.
/// </summary>
public enum KmemState
{
    Unplugged = -1,
    Offline = 0,
    Online = 1,
    OnlineKernel = 2,
    OnlineMovable = 3,
}

/// <summary>struct dax_kmem_data (drivers/dax/kmem.c), with the series' additions.</summary>
public sealed class KmemData
{
    internal KmemData(DevDax dev, int mgid, MemoryType mtype, int node, Func<IKernelScheduler> scheduler)
    {
        ResName = dev.Name;
        Mgid = mgid;
        Mtype = mtype;
        Node = node;
        Res = new IoResource?[dev.Ranges.Count];
        Added = new bool[dev.Ranges.Count];
        Lock = new KernelMutex($"kmem_data_lock({dev.Name})", 5, scheduler);
    }

    public string ResName { get; }

    public int Mgid { get; }

    public MemoryType Mtype { get; }

    public int Node { get; }

    /// <summary>data->res[i]: the "daxX.Y" iomem claim of range i, or null.</summary>
    public IoResource?[] Res { get; }

    /// <summary>Whether range i's memory is currently hot-added (what the model knows; the kernel infers it).</summary>
    public bool[] Added { get; }

    /// <summary>data->state (series only).</summary>
    public KmemState State { get; internal set; } = KmemState.Unplugged;

    /// <summary>data->lock: serializes the attribute's transitions on this device.</summary>
    public KernelMutex Lock { get; }
}
