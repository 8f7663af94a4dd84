namespace Daxplug.Kernel.Sysfs;

/// <summary>The kernel's string parsers as store() functions use them (lib/string.c, lib/kstrtox.c).</summary>
public static class SysfsText
{
    // Models sysfs_streq() (lib/string.c): equal, except that either side may end in one extra "\n".
    public static bool Streq(string buf, string literal)
    {
        int i = 0;
        while (i < buf.Length && i < literal.Length && buf[i] == literal[i])
        {
            i++;
        }

        var a = buf.AsSpan(i);
        var b = literal.AsSpan(i);
        return (a.IsEmpty && b.IsEmpty) || (a.IsEmpty && b is "\n") || (a is "\n" && b.IsEmpty);
    }

    // Models __sysfs_match_string() (lib/string.c): the index of the first entry that sysfs_streq()s, else -EINVAL.
    public static int MatchString(IReadOnlyList<string> table, string buf)
    {
        for (int i = 0; i < table.Count; i++)
        {
            if (Streq(buf, table[i]))
            {
                return i;
            }
        }

        return -(int)Errno.EINVAL;
    }

    // Models kstrtobool() (lib/kstrtox.c): only the first one or two characters count.
    public static Errno KstrToBool(string s, out bool value)
    {
        value = false;
        if (s.Length == 0)
        {
            return Errno.EINVAL;
        }

        switch (s[0])
        {
            case 'y' or 'Y' or 't' or 'T' or '1':
                value = true;
                return Errno.None;
            case 'n' or 'N' or 'f' or 'F' or '0':
                return Errno.None;
            case 'o' or 'O' when s.Length > 1 && s[1] is 'n' or 'N':
                value = true;
                return Errno.None;
            case 'o' or 'O' when s.Length > 1 && s[1] is 'f' or 'F':
                return Errno.None;
            default:
                return Errno.EINVAL;
        }
    }

    // Models kstrtoull() (lib/kstrtox.c): optional '+', base 0 means 0x hex / 0 octal / decimal, one trailing
    // newline, nothing else; overflow is ERANGE.
    public static Errno KstrToUll(string s, int radix, out ulong value)
    {
        value = 0;
        int i = 0;
        if (i < s.Length && s[i] == '+')
        {
            i++;
        }

        if (radix == 0 || radix == 16)
        {
            if (i + 1 < s.Length && s[i] == '0' && (s[i + 1] | 0x20) == 'x' && i + 2 < s.Length && IsDigit(s[i + 2], 16))
            {
                radix = 16;
                i += 2;
            }
            else if (radix == 0)
            {
                radix = i < s.Length && s[i] == '0' ? 8 : 10;
            }
        }

        int start = i;
        ulong acc = 0;
        bool overflow = false;
        while (i < s.Length && IsDigit(s[i], radix))
        {
            ulong d = (ulong)DigitValue(s[i]);
            if (acc > (ulong.MaxValue - d) / (ulong)radix)
            {
                overflow = true;
            }

            acc = unchecked((acc * (ulong)radix) + d);
            i++;
        }

        if (overflow)
        {
            return Errno.ERANGE;
        }

        if (i == start)
        {
            return Errno.EINVAL;
        }

        if (i < s.Length && s[i] == '\n')
        {
            i++;
        }

        if (i != s.Length)
        {
            return Errno.EINVAL;
        }

        value = acc;
        return Errno.None;
    }

    // Models kstrtouint() (lib/kstrtox.c).
    public static Errno KstrToUint(string s, int radix, out uint value)
    {
        value = 0;
        var rc = KstrToUll(s, radix, out var v);
        if (rc != Errno.None)
        {
            return rc;
        }

        if (v > uint.MaxValue)
        {
            return Errno.ERANGE;
        }

        value = (uint)v;
        return Errno.None;
    }

    // Models kstrtoll()/kstrtoint() (lib/kstrtox.c) for a signed range.
    public static Errno KstrToLong(string s, int radix, long min, long max, out long value)
    {
        value = 0;
        bool negative = s.StartsWith('-');
        var rc = KstrToUll(negative ? s[1..] : s, radix, out var magnitude);
        if (rc != Errno.None)
        {
            return rc;
        }

        if (negative && s.Length > 1 && s[1] == '+')
        {
            return Errno.EINVAL;
        }

        decimal signed = negative ? -(decimal)magnitude : magnitude;
        if (signed < min || signed > max)
        {
            return Errno.ERANGE;
        }

        value = (long)signed;
        return Errno.None;
    }

    /// <summary>What a C store() sees of a write: the bytes up to the first NUL.</summary>
    public static string CString(ReadOnlySpan<byte> data)
    {
        int nul = data.IndexOf((byte)0);
        return System.Text.Encoding.Latin1.GetString(nul >= 0 ? data[..nul] : data);
    }

    private static bool IsDigit(char c, int radix) => DigitValue(c) < radix;

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => 99,
    };
}
