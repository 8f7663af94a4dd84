using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daxplug.Control.Transitions;

/// <summary>A block as it was before a transaction touched it.</summary>
public sealed record BlockSnapshot(long Id, bool Online, string? Zone);

/// <summary>The intent journal: what a transaction set out to do and what everything was before it.</summary>
public sealed record JournalRecord(string Sysfs, string Device, string Target, DateTimeOffset Started, List<BlockSnapshot> Blocks);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(JournalRecord))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;

/// <summary>
/// The state directory shared by daxplug instances: a lock (flock) held for a whole transaction, and the
/// journal, written and synced before the first change and removed when the transaction ends.
/// </summary>
public sealed class StateDir(string path)
{
    public string Path { get; } = path;

    private string JournalPath => System.IO.Path.Combine(Path, "transaction.json");

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>; dispose to release.</summary>
    public IDisposable Lock(TimeSpan timeout)
    {
        Directory.CreateDirectory(Path);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock() on Linux.
                return new FileStream(System.IO.Path.Combine(Path, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    public void Write(JournalRecord record)
    {
        Directory.CreateDirectory(Path);
        var tmp = JournalPath + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(fs, record, JournalJsonContext.Default.JournalRecord);
            fs.Flush(flushToDisk: true);
        }

        File.Move(tmp, JournalPath, overwrite: true);
    }

    public JournalRecord? Read() =>
        File.Exists(JournalPath) ? JsonSerializer.Deserialize(File.ReadAllText(JournalPath), JournalJsonContext.Default.JournalRecord) : null;

    public void Clear() => File.Delete(JournalPath);
}
