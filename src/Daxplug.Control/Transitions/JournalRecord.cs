using System.Text.Json.Serialization;
using Daxplug.Control.Discovery;

namespace Daxplug.Control.Transitions;

/// <summary>A block as it was before a transaction touched it.</summary>
public sealed record BlockSnapshot(long Id, bool Online, string? Zone);

/// <summary>The intent journal: what a transaction set out to do and what everything was before it.</summary>
public sealed record JournalRecord(string Sysfs, string Device, string Target, DateTimeOffset Started, List<BlockSnapshot> Blocks)
{
    /// <summary>The target as a state (the file keeps its name); null in a journal that fails validation.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DeviceState? TargetState => DeviceState.Parse(Target);

    /// <summary>
    /// The zones valid_zones can name for an online block, which daxplug can put one back into. (It reads "none"
    /// for a block that spans zones, and is missing without CONFIG_MEMORY_HOTREMOVE: such a block is refused before
    /// a transaction starts.)
    /// </summary>
    public static readonly string[] Zones = ["DMA", "DMA32", "Normal", "Movable", "HighMem", "Device"];

    /// <summary>The command whose transaction this is, as a user would type it.</summary>
    public string Command => $"set {Device} {Target}";

    /// <summary>What is wrong with a record read from a file (a JSON path and the complaint), or null.</summary>
    public string? Problem()
    {
        if (string.IsNullOrEmpty(Sysfs))
        {
            return "sysfs: missing";
        }

        if (Device is null || !Discover.IsDeviceName(Device))
        {
            return $"device: '{Device}' is not a dax device name (daxR.N)";
        }

        if (DeviceState.Parse(Target) is not { IsTarget: true })
        {
            return $"target: '{Target}' is not one of {string.Join(", ", DeviceState.TargetNames)}";
        }

        if (Blocks is null)
        {
            return "blocks: missing";
        }

        var seen = new HashSet<long>();
        for (int i = 0; i < Blocks.Count; i++)
        {
            var b = Blocks[i];
            string? what = b is null ? "missing"
                : b.Id < 0 ? $"id {b.Id} is negative"
                : !seen.Add(b.Id) ? $"memory{b.Id} is listed twice"
                : b.Online && (b.Zone is null || !Zones.Contains(b.Zone)) ? $"an online block needs a zone ({string.Join(", ", Zones)}), not '{b.Zone}'"
                : !b.Online && b.Zone is not null ? "an offline block has no zone"
                : null;
            if (what is not null)
            {
                return $"blocks[{i}]: {what}";
            }
        }

        return null;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(JournalRecord))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
