namespace Daxplug.Kernel.Resource;

/// <summary>IORESOURCE_* flags that matter to the model (include/linux/ioport.h).</summary>
[Flags]
public enum ResourceFlags : uint
{
    None = 0,
    Mem = 0x200,
    SystemRam = 0x1000000 | Mem,
    Busy = 0x80000000,
    DriverManaged = 0x2000000,
}

/// <summary>struct resource: an inclusive [Start, End] range with a name and nested children.</summary>
public sealed class IoResource(string name, ulong start, ulong end, ResourceFlags flags)
{
    public string Name { get; internal set; } = name;

    public ulong Start { get; } = start;

    /// <summary>Inclusive end, as in the kernel.</summary>
    public ulong End { get; internal set; } = end;

    public ResourceFlags Flags { get; internal set; } = flags;

    public IoResource? Parent { get; internal set; }

    /// <summary>Children in address order.</summary>
    public List<IoResource> Children { get; } = [];

    public ulong Size => End - Start + 1;

    public bool Busy => (Flags & ResourceFlags.Busy) != 0;

    public override string ToString() => $"{Start:x}-{End:x} : {Name}";
}
