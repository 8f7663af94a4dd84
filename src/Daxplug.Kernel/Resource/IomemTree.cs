using System.Text;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Resource;

/// <summary>iomem_resource and the request/release functions of kernel/resource.c, plus /proc/iomem.</summary>
public sealed class IomemTree
{
    private readonly Lock gate = new();

    /// <summary>iomem_resource: [0, 2^64-1], never printed itself.</summary>
    public IoResource Root { get; } = new("PCI mem", 0, ulong.MaxValue, ResourceFlags.Mem);

    // Models __request_region() (kernel/resource.c): claim [start, start+size) under the deepest non-busy
    // resource that contains it; a busy or partial overlap is a conflict (null).
    public IoResource? RequestRegion(ulong start, ulong size, string name, ResourceFlags flags, IoResource? parent = null)
    {
        if (size == 0)
        {
            return null;
        }

        var res = new IoResource(name, start, start + size - 1, flags | ResourceFlags.Busy);
        lock (gate)
        {
            parent ??= Root;
            while (true)
            {
                var conflict = RequestResource(parent, res);
                if (conflict is null)
                {
                    return res;
                }

                if (conflict != parent && !conflict.Busy)
                {
                    parent = conflict;
                    continue;
                }

                return null;
            }
        }
    }

    /// <summary>Inserts a boot-time resource as given (for machine descriptions); returns null on conflict.</summary>
    public IoResource? Insert(IoResource parent, IoResource res)
    {
        lock (gate)
        {
            return RequestResource(parent, res) is null ? res : null;
        }
    }

    // Models insert_resource() of a resource exactly covering an existing one: the new one becomes its parent.
    public IoResource InsertAbove(IoResource existing, IoResource res)
    {
        lock (gate)
        {
            var parent = existing.Parent ?? throw new InvalidOperationException($"{existing} is not in the tree");
            if (res.Start != existing.Start || res.End != existing.End)
            {
                throw new ArgumentException($"{res} does not cover exactly {existing}");
            }

            parent.Children[parent.Children.IndexOf(existing)] = res;
            res.Parent = parent;
            res.Children.Add(existing);
            existing.Parent = res;
            return res;
        }
    }

    // Models __release_region()/release_mem_region_adjustable() for a whole resource: children move up.
    public void Release(IoResource res)
    {
        lock (gate)
        {
            var parent = res.Parent ?? throw new InvalidOperationException($"{res} is not in the tree");
            int at = parent.Children.IndexOf(res);
            parent.Children.RemoveAt(at);
            foreach (var child in res.Children)
            {
                child.Parent = parent;
            }

            parent.Children.InsertRange(at, res.Children);
            res.Children.Clear();
            res.Parent = null;
        }
    }

    /// <summary>Every resource, depth first.</summary>
    public List<IoResource> All()
    {
        var list = new List<IoResource>();
        lock (gate)
        {
            Collect(Root, list);
        }

        return list;
    }

    // Models r_show() (kernel/resource.c) for /proc/iomem as root: two spaces per level, "%0*llx" of width 8.
    public string Format()
    {
        var sb = new StringBuilder();
        lock (gate)
        {
            Print(sb, Root, -1);
        }

        return sb.ToString();
    }

    // Models __request_resource(): insert among the parent's children unless something overlaps; returns the
    // conflicting resource (or the parent when out of its bounds).
    private static IoResource? RequestResource(IoResource parent, IoResource res)
    {
        if (res.Start < parent.Start || res.End > parent.End || res.End < res.Start)
        {
            return parent;
        }

        int i = 0;
        for (; i < parent.Children.Count; i++)
        {
            var child = parent.Children[i];
            if (child.Start > res.End)
            {
                break;
            }

            if (child.End >= res.Start)
            {
                return child;
            }
        }

        parent.Children.Insert(i, res);
        res.Parent = parent;
        return null;
    }

    private static void Collect(IoResource res, List<IoResource> list)
    {
        foreach (var child in res.Children)
        {
            list.Add(child);
            Collect(child, list);
        }
    }

    private static void Print(StringBuilder sb, IoResource res, int depth)
    {
        if (depth >= 0)
        {
            sb.Append(' ', depth * 2)
              .Append(KernelFormat.Hex(res.Start, 8)).Append('-').Append(KernelFormat.Hex(res.End, 8))
              .Append(" : ").Append(res.Name).Append('\n');
        }

        foreach (var child in res.Children)
        {
            Print(sb, child, depth + 1);
        }
    }
}
