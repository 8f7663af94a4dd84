using System.Text.Json;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Sim.Machines;

/// <summary>
/// A saved simulated kernel: the machine it booted from, the kernel choice, and every sysfs write it has taken since
/// (including failed ones and fault injections under /sys/kernel/debug). The model is deterministic, so
/// replaying the writes on a fresh boot gives back exactly the same state. Text only: where it is kept, and how
/// safely, is the caller's business.
/// </summary>
public static class SimState
{
    /// <summary>Starts recording every write that reaches a store() into <see cref="KernelModel.Journal"/>.</summary>
    public static void Record(KernelModel kernel) =>
        kernel.Sysfs.Written = (path, data) => kernel.Journal.Add(new JournalEntry(path, Convert.ToBase64String(data)));

    /// <summary>The state as JSON text.</summary>
    public static string Serialize(KernelModel kernel) => JsonSerializer.Serialize(new SimStateFile
    {
        Machine = kernel.Machine,
        Kernel = kernel.Choice.Name,
        Writes = [.. kernel.Journal],
    }, MachineJsonContext.Default.SimStateFile);

    /// <summary>
    /// Boots the saved machine and replays its writes; the result records further writes. Text that is not JSON of
    /// this shape is a <see cref="JsonException"/>; content that cannot be a saved kernel a
    /// <see cref="FormatException"/> that says which field.
    /// </summary>
    public static KernelModel Deserialize(string json)
    {
        var file = JsonSerializer.Deserialize(json, MachineJsonContext.Default.SimStateFile)
                   ?? throw new FormatException("null is not a saved kernel");
        // Without a kernel, the machine's release as it shipped.
        var abi = file.Kernel is null ? (AbiProfile?)null
            : KernelChoice.Parse(file.Kernel)?.Abi ?? throw new FormatException($"kernel: '{file.Kernel}' is not one of {KernelChoice.Names}");
        if (file.Writes is null)
        {
            throw new FormatException("writes: missing");
        }

        var writes = new List<(string Path, byte[] Data)>(file.Writes.Count);
        for (int i = 0; i < file.Writes.Count; i++)
        {
            var entry = file.Writes[i];
            if (entry?.Path is not { } path || !path.StartsWith("/sys/", StringComparison.Ordinal))
            {
                throw new FormatException($"writes[{i}]: path must be a /sys path, not '{entry?.Path}'");
            }

            var data = new byte[((entry.Data?.Length ?? 0) * 3 / 4) + 3];
            if (entry.Data is null || !Convert.TryFromBase64String(entry.Data, data, out int length))
            {
                throw new FormatException($"writes[{i}]: data is not base64");
            }

            writes.Add((path, data[..length]));
        }

        KernelModel kernel;
        try
        {
            kernel = MachineBuilder.Build(file.Machine ?? throw new FormatException("no machine"), abi);
        }
        catch (FormatException e)
        {
            throw new FormatException($"machine: {e.Message}", e);
        }

        for (int i = 0; i < writes.Count; i++)
        {
            // Only a write that reached a store() was saved, and the model does the same again from the same
            // boot: one whose file cannot be opened now was edited in, or the file comes from another model.
            var (path, data) = writes[i];
            if (kernel.Sysfs.Open(path, read: false, write: true, out _) is var rc && rc != Errno.None)
            {
                throw new FormatException($"writes[{i}]: {path} cannot be written on this machine ({ErrnoText.Name(rc)}); was the file edited?");
            }

            kernel.Sysfs.Write(path, data);
        }

        kernel.Journal.AddRange(file.Writes);
        Record(kernel);
        return kernel;
    }
}

/// <summary>The JSON shape of a state file.</summary>
public sealed class SimStateFile
{
    public MachineSpec? Machine { get; set; }

    /// <summary>The kernel choice (its release is also the machine's "kernel"; a revision names its own).</summary>
    public string? Kernel { get; set; }

    public List<JournalEntry> Writes { get; set; } = [];
}
