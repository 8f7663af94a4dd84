namespace Daxplug.Kernel.Dax;

/// <summary>enum dax_driver_type (drivers/dax/bus.h).</summary>
public enum DaxDriverType
{
    Device,
    Kmem,
}

/// <summary>struct dax_device_driver: a driver on the dax bus with its dynamic id list.</summary>
public sealed class DaxDriver(string name, DaxDriverType type, Func<DevDax, Errno> probe, Action<DevDax> remove)
{
    public string Name { get; } = name;

    public DaxDriverType Type { get; } = type;

    /// <summary>Device names added through new_id (dax_drv->ids), newest first.</summary>
    public List<string> Ids { get; } = [];

    internal Func<DevDax, Errno> Probe { get; } = probe;

    internal Action<DevDax> Remove { get; } = remove;
}
