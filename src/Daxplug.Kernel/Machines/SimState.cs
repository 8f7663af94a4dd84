using System.Text.Json;

namespace Daxplug.Kernel.Machines;

/// <summary>
/// A saved simulated kernel: the machine it booted from, its profile, and every sysfs write it has taken since
/// (including failed ones and fault injections under /sys/kernel/debug). The model is deterministic, so
/// replaying the writes on a fresh boot gives back exactly the same state.
/// </summary>
public static class SimState
{
    /// <summary>Starts recording every write that reaches a store() into <see cref="KernelModel.Journal"/>.</summary>
    public static void Record(KernelModel kernel) =>
        kernel.Sysfs.Written = (path, data) => kernel.Journal.Add(new JournalEntry(path, Convert.ToBase64String(data)));

    /// <summary>Writes the state file (atomically: a temp file renamed over the target).</summary>
    public static void Save(KernelModel kernel, string path)
    {
        var file = new SimStateFile
        {
            Machine = kernel.Machine,
            Abi = AbiProfiles.Name(kernel.Abi),
            Writes = [.. kernel.Journal],
        };
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(file, MachineJsonContext.Default.SimStateFile));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Boots the saved machine and replays its writes; the result records further writes.</summary>
    public static KernelModel Load(string path)
    {
        var file = JsonSerializer.Deserialize(File.ReadAllText(path), MachineJsonContext.Default.SimStateFile)
                   ?? throw new FormatException($"{path}: empty state file");
        var abi = AbiProfiles.Parse(file.Abi) ?? throw new FormatException($"{path}: unknown abi '{file.Abi}'");
        var kernel = MachineBuilder.Build(file.Machine ?? throw new FormatException($"{path}: no machine"), abi);
        foreach (var entry in file.Writes)
        {
            kernel.Sysfs.Write(entry.Path, Convert.FromBase64String(entry.Data));
        }

        kernel.Journal.AddRange(file.Writes);
        Record(kernel);
        return kernel;
    }
}

/// <summary>One journalled write: the path as written to and the bytes, base64.</summary>
public sealed record JournalEntry(string Path, string Data);

/// <summary>The JSON shape of a state file.</summary>
public sealed class SimStateFile
{
    public MachineSpec? Machine { get; set; }

    public string Abi { get; set; } = "hotplug";

    public List<JournalEntry> Writes { get; set; } = [];
}
