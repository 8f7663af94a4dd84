namespace Daxplug.Kernel.Log;

/// <summary>printk levels used by the modelled messages.</summary>
public enum LogLevel
{
    Err = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}

/// <summary>One printk record: its sequence number, level, facility (0 the kernel, 1 user space through
/// /dev/kmsg), microseconds since the model booted, and text.</summary>
public sealed record LogRecord(long Seq, LogLevel Level, string Text, int Facility = 0, long TimestampUs = 0)
{
    /// <summary>
    /// The record as a read of /dev/kmsg returns it (devkmsg_read(): info_print_ext_header() and
    /// msg_print_ext_body()): "prefix,seq,usec,flags;text\n", where prefix is facility &lt;&lt; 3 | level and
    /// bytes below ' ' or above '~' and the backslash are written "\xNN".
    /// </summary>
    public string Kmsg()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{(Facility << 3) | (int)Level},{Seq},{TimestampUs},-;");
        foreach (var c in Text)
        {
            if (c < ' ' || c > '~' || c == '\\')
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c & 0xff:x2}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append('\n').ToString();
    }
}

/// <summary>The kernel's log ring (what dmesg shows), bounded like the real one.</summary>
public sealed class KernelLog(int capacity = 4096)
{
    private readonly Queue<LogRecord> records = new();
    private readonly Lock recordsGate = new();
    private readonly System.Diagnostics.Stopwatch sinceBoot = System.Diagnostics.Stopwatch.StartNew();
    private long seq;

    public void Print(LogLevel level, string text) => Print(level, text, facility: 0);

    /// <summary>printk() of <paramref name="text"/> with a facility: 1 for what user space writes to /dev/kmsg.</summary>
    public void Print(LogLevel level, string text, int facility)
    {
        // pr_debug() is dynamic debug in Debian's kernels (CONFIG_DYNAMIC_DEBUG) and off unless enabled through
        // its control file, which the model does not have: such a message never reaches the log.
        if (level == LogLevel.Debug && facility == 0)
        {
            return;
        }

        lock (recordsGate)
        {
            records.Enqueue(new LogRecord(seq++, level, text, facility, sinceBoot.Elapsed.Ticks / 10));
            if (records.Count > capacity)
            {
                records.Dequeue();
            }
        }
    }

    /// <summary>
    /// devkmsg_write(): one write is one record of facility LOG_USER at the default level (4) unless it starts with
    /// "&lt;N&gt;" (level N &amp; 7, facility N &gt;&gt; 3 when not 0); a trailing newline is dropped. EINVAL beyond
    /// LOG_LINE_MAX (992 bytes).
    /// </summary>
    public Errno WriteKmsg(string line)
    {
        if (line.Length > 992)
        {
            return Errno.EINVAL;
        }

        int level = (int)LogLevel.Warning, facility = 1;
        int close = line.IndexOf('>', StringComparison.Ordinal);
        if (line.StartsWith('<') && close > 1 && uint.TryParse(line.AsSpan(1, close - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var u))
        {
            (level, facility, line) = ((int)(u & 7), u >> 3 != 0 ? (int)(u >> 3) : 1, line[(close + 1)..]);
        }

        Print((LogLevel)level, line.TrimEnd('\n'), facility);
        return Errno.None;
    }

    public void Warn(string text) => Print(LogLevel.Warning, text);

    public void Err(string text) => Print(LogLevel.Err, text);

    public void Info(string text) => Print(LogLevel.Info, text);

    public IReadOnlyList<LogRecord> Records
    {
        get
        {
            lock (recordsGate)
            {
                return records.ToArray();
            }
        }
    }

    /// <summary>The oldest record still in the ring with a sequence number of at least <paramref name="seq"/>.</summary>
    public LogRecord? Next(long seq)
    {
        lock (recordsGate)
        {
            return records.FirstOrDefault(r => r.Seq >= seq);
        }
    }

    /// <summary>dmesg-style text: "[seq] message" per record.</summary>
    public string Format() => string.Concat(Records.Select(r => $"<{(int)r.Level}>[{r.Seq,6}] {r.Text}\n"));
}
