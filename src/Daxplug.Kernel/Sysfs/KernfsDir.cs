namespace Daxplug.Kernel.Sysfs;

/// <summary>
/// A directory: fixed children plus any number of dynamic sources. Directories for model objects (memoryN,
/// nodeN) are made on lookup and thrown away, so a 500k-block machine costs no tree objects until read.
/// </summary>
public sealed class KernfsDir(string name) : KernfsNode(name)
{
    private readonly Dictionary<string, KernfsNode> children = new(StringComparer.Ordinal);
    private readonly List<string> order = [];
    private readonly List<IKernfsSource> sources = [];

    /// <summary>Adds a fixed child and returns this directory, for chaining.</summary>
    public KernfsDir Add(KernfsNode node)
    {
        if (!children.TryAdd(node.Name, node))
        {
            throw new InvalidOperationException($"duplicate sysfs entry {node.Name} in {Name}");
        }

        order.Add(node.Name);
        return this;
    }

    /// <summary>Adds a fixed subdirectory and returns it.</summary>
    public KernfsDir Dir(string name)
    {
        if (children.TryGetValue(name, out var existing))
        {
            return existing as KernfsDir ?? throw new InvalidOperationException($"{name} is not a directory");
        }

        var dir = new KernfsDir(name);
        Add(dir);
        return dir;
    }

    /// <summary>Adds a dynamic source of children and returns this directory.</summary>
    public KernfsDir AddSource(IKernfsSource source)
    {
        sources.Add(source);
        return this;
    }

    public KernfsNode? Lookup(string name)
    {
        if (children.TryGetValue(name, out var node))
        {
            return node;
        }

        foreach (var source in sources)
        {
            node = source.Lookup(name);
            if (node is not null)
            {
                return node;
            }
        }

        return null;
    }

    public IEnumerable<string> List()
    {
        foreach (var name in order)
        {
            yield return name;
        }

        foreach (var source in sources)
        {
            foreach (var name in source.Names())
            {
                yield return name;
            }
        }
    }
}

/// <summary>A dynamic source from two delegates.</summary>
public sealed class KernfsSource(Func<IEnumerable<string>> names, Func<string, KernfsNode?> lookup) : IKernfsSource
{
    public IEnumerable<string> Names() => names();

    public KernfsNode? Lookup(string name) => lookup(name);

    /// <summary>
    /// A source of entries named <c>prefix + decimal id</c> (memory12, node3, memory_tier4): the id parser
    /// rejects leading zeros and signs, so "memory012" does not alias memory12.
    /// </summary>
    public static KernfsSource ById(string prefix, Func<IEnumerable<long>> ids, Func<long, KernfsNode?> make) =>
        new(() => ids().Select(id => prefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            name => ParseId(name, prefix) is { } id ? make(id) : null);

    /// <summary>The id of <paramref name="name"/> if it is <paramref name="prefix"/> followed by a canonical decimal.</summary>
    public static long? ParseId(string name, string prefix)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length)
        {
            return null;
        }

        var digits = name.AsSpan(prefix.Length);
        if (digits.Length > 1 && digits[0] == '0')
        {
            return null;
        }

        long value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9' || value > (long.MaxValue - 9) / 10)
            {
                return null;
            }

            value = (value * 10) + (c - '0');
        }

        return value;
    }
}
