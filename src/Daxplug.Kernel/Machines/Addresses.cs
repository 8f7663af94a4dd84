using System.Globalization;

namespace Daxplug.Kernel.Machines;

/// <summary>Parsing of the address and size notations machine files use.</summary>
public static class Addresses
{
    /// <summary>"0x1f", "31", or with a K/M/G/T suffix ("16G"); throws FormatException when malformed.</summary>
    public static ulong Parse(string text)
    {
        var s = text.Trim();
        ulong multiplier = 1;
        if (s.Length > 0 && "KMGTkmgt".Contains(s[^1]) && !s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            multiplier = char.ToUpperInvariant(s[^1]) switch { 'K' => 1UL << 10, 'M' => 1UL << 20, 'G' => 1UL << 30, _ => 1UL << 40 };
            s = s[..^1];
        }

        bool ok = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)
            : ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok)
        {
            throw new FormatException($"not an address or size: '{text}'");
        }

        return v <= ulong.MaxValue / multiplier ? v * multiplier : throw new FormatException($"too large for 64 bits: '{text}'");
    }

    /// <summary>"start-end" (inclusive, hex with or without 0x as /proc/iomem prints it).</summary>
    public static (ulong Start, ulong End) ParseRange(string text)
    {
        var parts = text.Split('-');
        if (parts.Length != 2)
        {
            throw new FormatException($"not a range: '{text}'");
        }

        ulong start = ParseHex(parts[0]), end = ParseHex(parts[1]);
        if (end < start)
        {
            throw new FormatException($"range ends before it starts: '{text}'");
        }

        return (start, end);
    }

    public static string FormatRange(ulong start, ulong end) => $"0x{start:x}-0x{end:x}";

    private static ulong ParseHex(string s)
    {
        s = s.Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            s = s[2..];
        }

        return ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"not a hex address: '{s}'");
    }
}
