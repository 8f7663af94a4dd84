namespace Daxplug.Kernel.Dax;

/// <summary>enum dax_driver_type (drivers/dax/bus.h).</summary>
public enum DaxDriverType
{
    Device,
    Kmem,
}

/// <summary>struct dax_device_driver: a driver on the dax bus with its dynamic id list.</summary>
public sealed class DaxDriver(string name, DaxDriverType type, Func<DevDax, ValueTask<Errno>> probe, Func<DevDax, ValueTask> remove)
{
    public string Name { get; } = name;

    public DaxDriverType Type { get; } = type;

    /// <summary>Device names added through new_id (dax_drv->ids), newest first.</summary>
    public List<string> Ids { get; } = [];

    internal Func<DevDax, ValueTask<Errno>> Probe { get; } = probe;

    internal Func<DevDax, ValueTask> Remove { get; } = remove;
}
