using System.Globalization;

namespace Daxplug.Fuse;

/// <summary>Whether the process behind a FUSE request has a signal to take, from its /proc/PID/status.</summary>
internal static class CallerSignals
{
    /// <summary>
    /// A signal pending for the thread or the process (SigPnd, ShdPnd) that it neither blocks (SigBlk) nor ignores
    /// (SigIgn); a process that is gone counts as signalled.
    /// </summary>
    public static bool Pending(int pid)
    {
        ulong pending = 0, blocked = 0, ignored = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                var parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
                if (parts.Length != 2 || !ulong.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
                {
                    continue;
                }

                switch (parts[0])
                {
                    case "SigPnd" or "ShdPnd": pending |= mask; break;
                    case "SigBlk": blocked = mask; break;
                    case "SigIgn": ignored = mask; break;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }

        return (pending & ~blocked & ~ignored) != 0;
    }
}
