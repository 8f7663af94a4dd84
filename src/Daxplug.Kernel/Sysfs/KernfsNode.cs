namespace Daxplug.Kernel.Sysfs;

/// <summary>A node of the kernfs-like tree: a directory, an attribute or a symlink.</summary>
public abstract class KernfsNode(string name)
{
    public string Name { get; } = name;
}

/// <summary>A symbolic link whose target is a path relative to the link's directory, as sysfs makes them.</summary>
public sealed class KernfsLink(string name, string target) : KernfsNode(name)
{
    public string Target { get; } = target;
}

/// <summary>
/// An attribute file: a <c>_show</c>/<c>_store</c> pair and a mode. Show returns the whole text (with its
/// trailing newline); store receives the written text up to its first NUL, as a C store() sees it, and returns
/// <see cref="Errno.None"/> when it consumed the write. A store that takes model locks or reaches a scheduling
/// point returns a <see cref="ValueTask{Errno}"/> (the race lab may suspend it there); the others return at once.
/// </summary>
public sealed class KernfsAttribute(string name, int mode, Func<string>? show, Func<string, ValueTask<Errno>>? store)
    : KernfsNode(name)
{
    public KernfsAttribute(string name, int mode, Func<string>? show, Func<string, Errno>? store)
        : this(name, mode, show, store is null ? null : buf => new ValueTask<Errno>(store(buf)))
    {
    }

    public int Mode { get; } = mode;

    public Func<string>? Show { get; } = show;

    public Func<string, ValueTask<Errno>>? Store { get; } = store;

    /// <summary>A read-only attribute (0444 unless <paramref name="mode"/> says otherwise).</summary>
    public static KernfsAttribute ReadOnly(string name, Func<string> show, int mode = 0x124) => new(name, mode, show, (Func<string, Errno>?)null);

    /// <summary>A read-write attribute (0644).</summary>
    public static KernfsAttribute ReadWrite(string name, Func<string> show, Func<string, Errno> store) =>
        new(name, 0x1a4, show, store);

    /// <summary>A read-write attribute (0644) whose store may suspend.</summary>
    public static KernfsAttribute ReadWrite(string name, Func<string> show, Func<string, ValueTask<Errno>> store) =>
        new(name, 0x1a4, show, store);
}

/// <summary>Children that come from model state (memory blocks, nodes, tiers) rather than a fixed table.</summary>
public interface IKernfsSource
{
    /// <summary>The names present now, in the order a listing shows them.</summary>
    IEnumerable<string> Names();

    /// <summary>The child called <paramref name="name"/>, or null.</summary>
    KernfsNode? Lookup(string name);

    /// <summary>The same, for a name that is part of a longer path (a source may avoid making a string).</summary>
    KernfsNode? Lookup(ReadOnlySpan<char> name) => Lookup(name.ToString());
}
