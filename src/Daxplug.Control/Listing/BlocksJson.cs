using Daxplug.Control.Discovery;

namespace Daxplug.Control.Listing;

/// <summary>"blocks --json": one object per memory block, lsmem -J's shape (a "memory" list).</summary>
public static class BlocksJson
{
    public static string Render(IReadOnlyList<BlockInfo> blocks) => JsonText.Render(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("memory");
        foreach (var b in blocks)
        {
            w.WriteStartObject();
            w.WriteString("range", $"0x{b.Start:x16}-0x{b.Start + b.Size - 1:x16}");
            w.WriteNumber("block", b.Id);
            w.WriteString("state", b.State);
            w.WriteNumber("node", b.Node);
            w.WriteString("zones", b.Zones);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
