namespace Daxplug.Kernel.Log;

/// <summary>printk levels used by the modelled messages.</summary>
public enum LogLevel
{
    Err = 3,
    Warning = 4,
    Info = 6,
    Debug = 7,
}

/// <summary>One printk record.</summary>
public sealed record LogRecord(long Seq, LogLevel Level, string Text);

/// <summary>The kernel's log ring (what dmesg shows), bounded like the real one.</summary>
public sealed class KernelLog(int capacity = 4096)
{
    private readonly Queue<LogRecord> records = new();
    private readonly Lock recordsGate = new();
    private long seq;

    public void Print(LogLevel level, string text)
    {
        // pr_debug() is dynamic debug in Debian's kernels (CONFIG_DYNAMIC_DEBUG) and off unless enabled through
        // its control file, which the model does not have: such a message never reaches the log.
        if (level == LogLevel.Debug)
        {
            return;
        }

        lock (recordsGate)
        {
            records.Enqueue(new LogRecord(seq++, level, text));
            if (records.Count > capacity)
            {
                records.Dequeue();
            }
        }
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

    /// <summary>dmesg-style text: "[seq] message" per record.</summary>
    public string Format() => string.Concat(Records.Select(r => $"<{(int)r.Level}>[{r.Seq,6}] {r.Text}\n"));
}
