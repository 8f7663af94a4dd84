using Daxplug.Kernel.Memory;

namespace Daxplug.Kernel.Proc;

/// <summary>The /proc files about memory that the model serves (read-only, 0444), by name.</summary>
public static class ProcFiles
{
    private static readonly (string Name, Func<KernelModel, string> Show)[] Table =
    [
        ("iomem", k => k.Iomem.Format()),
        ("meminfo", MemInfo.Proc),
        ("zoneinfo", ZoneInfo.Show),
    ];

    /// <summary>The names under /proc, in the order a listing gives them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(f => f.Name)];

    /// <summary>The text of /proc/<paramref name="name"/> now, or null if the model has no such file.</summary>
    public static string? Show(KernelModel kernel, string name) =>
        Array.Find(Table, f => f.Name == name) is { Show: { } show } ? show(kernel) : null;
}
