using System.Text.Json;
using Daxplug.Control.Files;

namespace Daxplug.Control.Transitions;

/// <summary>
/// The journal of one sysfs target in a state directory: written (atomically, synced) before a transaction's
/// first change and removed when it ends. One that exists while nobody holds the lock is a transaction that was
/// killed half way: every command that writes refuses to start until "daxplug recover" has dealt with it.
/// </summary>
public sealed class JournalFile(string path)
{
    public string Path { get; } = path;

    /// <summary>The pending record, or null; a file that is not a valid journal is a <see cref="BadFileException"/>
    /// (and is left as it is).</summary>
    public JournalRecord? Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        JournalRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(text, JournalJsonContext.Default.JournalRecord);
        }
        catch (JsonException e)
        {
            throw BadFileException.FromJson(Path, e);
        }

        if (record is null)
        {
            throw new BadFileException(Path, "null is not a journal");
        }

        return record.Problem() is { } problem ? throw new BadFileException(Path, problem) : record;
    }

    public void Write(JournalRecord record) => AtomicFile.Write(Path, JsonSerializer.Serialize(record, JournalJsonContext.Default.JournalRecord));

    public void Clear() => AtomicFile.Delete(Path);
}
