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
/// Most attributes are a pair of delegates; a kind of file made many times over (a memory block's) can derive
/// and override <see cref="Show"/> and <see cref="Store"/> instead, and cost one small object.
/// </summary>
public class KernfsAttribute : KernfsNode
{
    private readonly Func<string>? show;
    private readonly Func<string, ValueTask<Errno>>? store;
    private readonly Func<string, Errno>? syncStore;

    public KernfsAttribute(string name, int mode, Func<string>? show, Func<string, ValueTask<Errno>>? store)
        : this(name, mode, show is not null, store is not null)
    {
        this.show = show;
        this.store = store;
    }

    public KernfsAttribute(string name, int mode, Func<string>? show, Func<string, Errno>? store)
        : this(name, mode, show is not null, store is not null)
    {
        this.show = show;
        syncStore = store;
    }

    /// <summary>For a derived attribute: whether it has a show() and a store().</summary>
    protected KernfsAttribute(string name, int mode, bool canShow, bool canStore)
        : base(name)
    {
        Mode = mode;
        CanShow = canShow;
        CanStore = canStore;
    }

    public int Mode { get; }

    /// <summary>Whether the attribute has a show() (kernfs refuses a read-open without one).</summary>
    public bool CanShow { get; }

    /// <summary>Whether the attribute has a store() (kernfs refuses a write-open without one).</summary>
    public bool CanStore { get; }

    /// <summary>The attribute's show(); only when <see cref="CanShow"/>.</summary>
    public virtual string Show() => show!();

    /// <summary>The attribute's store(); only when <see cref="CanStore"/>.</summary>
    public virtual ValueTask<Errno> Store(string buf) => syncStore is { } sync ? new(sync(buf)) : store!(buf);

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
