namespace Daxplug.Kernel.Sysfs;

/// <summary>
/// A directory: fixed children plus any number of dynamic sources. Directories for model objects (memoryN,
/// nodeN) are made on lookup and thrown away, so a 500k-block machine costs no tree objects until read.
/// </summary>
public sealed class KernfsDir(string name) : KernfsNode(name)
{
    // Fixed children in the order a listing shows them. Most directories have a handful, found by a linear
    // search; a directory with many gets a dictionary as well.
    private const int IndexFrom = 16;
    private readonly List<KernfsNode> children = [];
    private Dictionary<string, KernfsNode>? index;
    private readonly List<IKernfsSource> sources = [];

    /// <summary>Adds a fixed child and returns this directory, for chaining.</summary>
    public KernfsDir Add(KernfsNode node)
    {
        if (Fixed(node.Name) is not null)
        {
            throw new InvalidOperationException($"duplicate sysfs entry {node.Name} in {Name}");
        }

        children.Add(node);
        if (index is not null)
        {
            index.Add(node.Name, node);
        }
        else if (children.Count >= IndexFrom)
        {
            index = children.ToDictionary(c => c.Name, StringComparer.Ordinal);
        }

        return this;
    }

    /// <summary>Adds a fixed subdirectory and returns it.</summary>
    public KernfsDir Dir(string name)
    {
        if (Fixed(name) is { } existing)
        {
            return existing as KernfsDir ?? throw new InvalidOperationException($"{name} is not a directory");
        }

        var dir = new KernfsDir(name);
        Add(dir);
        return dir;
    }

    private KernfsNode? Fixed(ReadOnlySpan<char> name)
    {
        if (index is not null)
        {
            return index.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var node) ? node : null;
        }

        foreach (var child in children)
        {
            if (name.SequenceEqual(child.Name))
            {
                return child;
            }
        }

        return null;
    }

    /// <summary>Adds a dynamic source of children and returns this directory.</summary>
    public KernfsDir AddSource(IKernfsSource source)
    {
        sources.Add(source);
        return this;
    }

    public KernfsNode? Lookup(string name) => Lookup(name.AsSpan());

    /// <summary>The child called <paramref name="name"/>: fixed children are found without making a string.</summary>
    public KernfsNode? Lookup(ReadOnlySpan<char> name)
    {
        if (Fixed(name) is { } node)
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
        foreach (var child in children)
        {
            yield return child.Name;
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
    // ById's prefix and lookup by id, which parse a name without making a string of it.
    private string? prefix;
    private Func<long, KernfsNode?>? make;

    public IEnumerable<string> Names() => names();

    public KernfsNode? Lookup(string name) => lookup(name);

    public KernfsNode? Lookup(ReadOnlySpan<char> name) => prefix is null ? lookup(name.ToString())
        : ParseId(name, prefix) is { } id ? make!(id) : null;

    /// <summary>
    /// A source of entries named <c>prefix + decimal id</c> (memory12, node3, memory_tier4): the id parser
    /// rejects leading zeros and signs, so "memory012" does not alias memory12.
    /// </summary>
    public static KernfsSource ById(string prefix, Func<IEnumerable<long>> ids, Func<long, KernfsNode?> make)
    {
        var names = new NameCache(prefix);
        return new(() => names.Fit(ids()).Select(names.Of), name => ParseId(name, prefix) is { } id ? make(id) : null)
        {
            prefix = prefix,
            make = make,
        };
    }

    /// <summary>The id of <paramref name="name"/> if it is <paramref name="prefix"/> followed by a canonical decimal.</summary>
    public static long? ParseId(string name, string prefix) => ParseId(name.AsSpan(), prefix);

    /// <summary><see cref="ParseId(string, string)"/> for part of a path.</summary>
    public static long? ParseId(ReadOnlySpan<char> name, string prefix)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length)
        {
            return null;
        }

        var digits = name[prefix.Length..];
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

    /// <summary>
    /// The names of recently listed ids: a listing of /sys/devices/system/memory would otherwise make a string per
    /// block each time. Direct-mapped and bounded, like the block directory cache; a race only makes a name twice.
    /// </summary>
    private sealed class NameCache(string prefix)
    {
        private const int MaxSlots = 1024;
        private Entry?[] slots = [];

        /// <summary>Sizes the cache for a listing of <paramref name="count"/> names (it only grows).</summary>
        public IEnumerable<long> Fit(IEnumerable<long> ids)
        {
            int count = ids.TryGetNonEnumeratedCount(out var n) ? n : MaxSlots;
            if (slots.Length < MaxSlots && slots.Length < count)
            {
                Volatile.Write(ref slots, new Entry?[Math.Min(MaxSlots, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(count, 16)))]);
            }

            return ids;
        }

        public string Of(long id)
        {
            var table = Volatile.Read(ref slots);
            int slot = (int)(id & (table.Length - 1));
            if (table.Length > 0 && Volatile.Read(ref table[slot]) is { } hit && hit.Id == id)
            {
                return hit.Name;
            }

            var entry = new Entry(id, prefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (table.Length > 0)
            {
                Volatile.Write(ref table[slot], entry);
            }

            return entry.Name;
        }

        private sealed record Entry(long Id, string Name);
    }
}
