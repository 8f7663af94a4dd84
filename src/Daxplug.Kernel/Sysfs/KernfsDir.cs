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
    // Both lists are made on the first add: a memoryN directory, made on every lookup of a block not seen
    // recently, has one source and no fixed children.
    private List<KernfsNode>? children;
    private Dictionary<string, KernfsNode>? index;
    private List<IKernfsSource>? sources;

    // A lazy directory's contents, made on first use (see Lazy); Populating marks the thread filling it in.
    private static readonly object PopulateGate = new();
    private Action<KernfsDir>? pending;
    private bool populating;

    /// <summary>
    /// Adds a subdirectory whose contents <paramref name="populate"/> makes the first time anyone looks into it,
    /// and returns this directory. A kernel is booted thousands of times a second in the race lab, and most
    /// schedules read two or three subtrees of the dozen a boot registers. Only for a subtree that one registrar
    /// fills in: anything else that adds to it later is added after what <paramref name="populate"/> adds.
    /// </summary>
    public KernfsDir Lazy(string name, Action<KernfsDir> populate)
    {
        Add(new KernfsDir(name) { pending = populate });
        return this;
    }

    // Runs a lazy directory's populate once; other threads wait for it to finish, and the populating thread's own
    // adds pass through.
    private void Populate()
    {
        if (Volatile.Read(ref pending) is null)
        {
            return;
        }

        lock (PopulateGate)
        {
            if (pending is not { } populate || populating)
            {
                return;
            }

            populating = true;
            try
            {
                populate(this);
            }
            finally
            {
                populating = false;
                Volatile.Write(ref pending, null);
            }
        }
    }

    /// <summary>Adds a fixed child and returns this directory, for chaining.</summary>
    public KernfsDir Add(KernfsNode node)
    {
        Populate();
        if (Fixed(node.Name) is not null)
        {
            throw new InvalidOperationException($"duplicate sysfs entry {node.Name} in {Name}");
        }

        (children ??= []).Add(node);
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
        Populate();
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

        if (children is not null)
        {
            foreach (var child in children)
            {
                if (name.SequenceEqual(child.Name))
                {
                    return child;
                }
            }
        }

        return null;
    }

    /// <summary>Adds a dynamic source of children and returns this directory.</summary>
    public KernfsDir AddSource(IKernfsSource source)
    {
        Populate();
        (sources ??= new List<IKernfsSource>(1)).Add(source);
        return this;
    }

    public KernfsNode? Lookup(string name) => Lookup(name.AsSpan());

    /// <summary>The child called <paramref name="name"/>: fixed children are found without making a string.</summary>
    public KernfsNode? Lookup(ReadOnlySpan<char> name)
    {
        Populate();
        if (Fixed(name) is { } node)
        {
            return node;
        }

        if (sources is not null)
        {
            foreach (var source in sources)
            {
                node = source.Lookup(name);
                if (node is not null)
                {
                    return node;
                }
            }
        }

        return null;
    }

    public IEnumerable<string> List()
    {
        Populate();
        foreach (var child in children ?? [])
        {
            yield return child.Name;
        }

        foreach (var source in sources ?? [])
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
    public static IKernfsSource ById(string prefix, Func<IEnumerable<long>> ids, Func<long, KernfsNode?> make) =>
        new IdSource(prefix, ids, make);

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

    // ById: parses a name in place (it is part of a path being walked), and keeps the names of recently listed ids,
    // since a listing of /sys/devices/system/memory would otherwise make a string per block each time.
    private sealed class IdSource(string prefix, Func<IEnumerable<long>> ids, Func<long, KernfsNode?> make) : IKernfsSource
    {
        private readonly SlotCache<long, string> names = new(1024);
        private readonly Func<long, string> nameOf = id => prefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public IEnumerable<string> Names()
        {
            var ordered = ids();
            var listed = ordered as long[] ?? ordered.ToArray();
            names.Fit(listed.Length == 0 ? 0 : listed.Max());
            return listed.Select(id => names.Get(id, id, nameOf));
        }

        public KernfsNode? Lookup(string name) => Lookup(name.AsSpan());

        public KernfsNode? Lookup(ReadOnlySpan<char> name) => ParseId(name, prefix) is { } id ? make(id) : null;
    }
}

/// <summary>
/// Values made for recently used keys, direct-mapped by a numeric id: sized to give every id up to the largest
/// expected one a slot of its own (<see cref="Fit"/>, it only grows) up to a bound, so a small machine, booted
/// thousands of times a second in the race lab, pays for a few slots, its blocks (ids 0-15 and 32-39, say) do not
/// evict each other, and a 500k-block machine keeps at most the bound. A slot holds its key, so an id whose object
/// was replaced (a block removed and added again) gets a new value. Races between callers only make a value twice.
/// </summary>
internal sealed class SlotCache<TKey, TValue>(int maxSlots)
    where TKey : notnull
{
    private Entry?[] slots = [];

    /// <summary>Grows the table to a slot per id in 0..<paramref name="maxId"/>, within the bound.</summary>
    public void Fit(long maxId)
    {
        if (slots.Length < maxSlots && slots.Length <= maxId)
        {
            int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(maxId + 1, 16, maxSlots));
            Volatile.Write(ref slots, new Entry?[size]);
        }
    }

    public TValue Get(long id, TKey key, Func<TKey, TValue> make)
    {
        var table = Volatile.Read(ref slots);
        if (table.Length == 0)
        {
            return make(key);
        }

        int slot = (int)(id & (table.Length - 1));
        if (Volatile.Read(ref table[slot]) is { } hit && EqualityComparer<TKey>.Default.Equals(hit.Key, key))
        {
            return hit.Value;
        }

        var value = make(key);
        Volatile.Write(ref table[slot], new Entry(key, value));
        return value;
    }

    private sealed record Entry(TKey Key, TValue Value);
}
