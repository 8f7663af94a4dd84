using System.Globalization;
using System.Text;

namespace Daxplug.Kernel.Sysfs;

/// <summary>The kernel's printf dialect where it differs from .NET's or glibc's (lib/vsprintf.c).</summary>
public static class KernelFormat
{
    // Models number() with SPECIAL|SMALL for "%#llx": a zero prints as "0x0" (glibc would print "0").
    public static string HexPrefixed(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>"%lx": lower-case hex without prefix.</summary>
    public static string Hex(ulong value) => value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>"%0Nlx": lower-case hex, zero-padded to at least <paramref name="width"/> digits.</summary>
    public static string Hex(ulong value, int width) => value.ToString("x" + width, CultureInfo.InvariantCulture);

    /// <summary>"%d"/"%u"/"%llu".</summary>
    public static string Dec(long value) => value.ToString(CultureInfo.InvariantCulture);

    // Models bitmap_list_string() for "%*pbl": ranges "0-3,5"; an empty set prints nothing.
    public static string BitmapList(IEnumerable<int> bits)
    {
        var sb = new StringBuilder();
        int start = -2, prev = -2;
        foreach (var bit in bits.Distinct().Order())
        {
            if (bit == prev + 1)
            {
                prev = bit;
                continue;
            }

            AppendRange(sb, start, prev);
            start = prev = bit;
        }

        AppendRange(sb, start, prev);
        return sb.ToString();
    }

    // Models bitmap_string() for "%*pb": 32-bit hex chunks separated by commas, most significant first; the
    // first chunk is as wide as the bits it holds, the others 8 digits.
    public static string BitmapHex(IEnumerable<int> bits, int nbits)
    {
        var set = bits.ToHashSet();
        var chunks = new List<string>();
        for (int lo = 0; lo < Math.Max(nbits, 1); lo += 32)
        {
            uint word = 0;
            for (int b = 0; b < 32 && lo + b < nbits; b++)
            {
                if (set.Contains(lo + b))
                {
                    word |= 1u << b;
                }
            }

            int chunkBits = Math.Min(32, nbits - lo);
            chunks.Add(word.ToString("x" + ((chunkBits + 3) / 4), CultureInfo.InvariantCulture));
        }

        chunks.Reverse();
        return string.Join(',', chunks);
    }

    /// <summary>Parses a "%*pbl" list ("0-3,5") as the kernel's bitmap_parselist; null if malformed.</summary>
    public static List<int>? ParseList(string text)
    {
        var result = new List<int>();
        foreach (var part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = part.Split('-');
            if (ends.Length is < 1 or > 2 ||
                !int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out var lo))
            {
                return null;
            }

            int hi = lo;
            if (ends.Length == 2 && !int.TryParse(ends[1], NumberStyles.None, CultureInfo.InvariantCulture, out hi))
            {
                return null;
            }

            for (int i = lo; i <= hi; i++)
            {
                result.Add(i);
            }
        }

        return result;
    }

    private static void AppendRange(StringBuilder sb, int start, int end)
    {
        if (start < 0)
        {
            return;
        }

        if (sb.Length > 0)
        {
            sb.Append(',');
        }

        sb.Append(start.ToString(CultureInfo.InvariantCulture));
        if (end > start)
        {
            sb.Append('-').Append(end.ToString(CultureInfo.InvariantCulture));
        }
    }
}
