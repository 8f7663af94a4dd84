namespace Daxplug.Kernel.Memory;

/// <summary>
/// struct memory_group (include/linux/memory.h): memory added by one driver, either static (kmem, ACPI DIMMs:
/// a fixed maximum) or dynamic (virtio-mem: units). auto-movable onlining looks at a group's kernel vs movable
/// pages.
/// </summary>
public sealed class MemoryGroup(int id, int nid, bool isDynamic, ulong pages)
{
    public int Id { get; } = id;

    public int Nid { get; } = nid;

    public bool IsDynamic { get; } = isDynamic;

    /// <summary>s.max_pages for static groups, d.unit_pages for dynamic ones.</summary>
    public ulong Pages { get; } = pages;

    public ulong PresentKernelPages { get; internal set; }

    public ulong PresentMovablePages { get; internal set; }
}
