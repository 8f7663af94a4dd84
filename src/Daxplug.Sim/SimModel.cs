using System.Text.Json;
using Daxplug.Control.Files;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;

namespace Daxplug.Sim;

/// <summary>
/// How sim verbs and --sim get their kernel: a fresh boot of a machine as a kernel, or a state file's saved one.
/// A state file is replaced atomically (never torn), and one that cannot be read is reported and left alone.
/// </summary>
public static class SimModel
{
    /// <summary>
    /// The saved kernel of <paramref name="statePath"/>, or a fresh boot of <paramref name="machine"/> as
    /// <paramref name="kernel"/> (null: the machine's own release as it shipped), with <paramref name="sets"/>
    /// applied before boot. A bad machine file or state file is a <see cref="BadFileException"/>; a request that
    /// cannot be met a <see cref="SimUsageException"/>.
    /// </summary>
    public static KernelModel Open(string machine, KernelChoice? kernel, string? statePath, IReadOnlyList<string>? sets = null)
    {
        if (statePath is not null && Directory.Exists(statePath))
        {
            throw new BadFileException(statePath, "is a directory, not a saved kernel");
        }

        if (statePath is not null && File.Exists(statePath))
        {
            if (sets is { Count: > 0 })
            {
                throw new SimUsageException($"--set changes a machine at boot; {statePath} holds a kernel that has booted already");
            }

            var saved = Load(statePath);
            if (kernel is not null && KernelChoice.Of(kernel.Release, kernel.Abi) != saved.Choice)
            {
                throw new SimUsageException($"{statePath} holds a simulated {saved.Choice} kernel; --kernel {kernel} applies to a new one (remove the file, or use another)");
            }

            return saved;
        }

        var model = Boot(machine, kernel, sets);
        SimState.Record(model);
        return model;
    }

    /// <summary>
    /// The state file of a --sim machine in a state directory ("sim-NAME.json"): a built-in's name, or a machine
    /// file's name and a hash of its full path (two files called default.json, or one and the built-in, do not share one).
    /// </summary>
    public static string StateFile(string stateDir, string machine) => Path.Combine(stateDir, $"sim-{StateName(machine)}.json");

    /// <summary>The name a --sim machine's state goes by in messages ("model:NAME").</summary>
    public static string StateName(string machine) => BuiltinMachines.Names.Contains(machine)
        ? machine
        : FileNames.Unique(Path.GetFileNameWithoutExtension(Path.GetFullPath(machine)), Path.GetFullPath(machine));

    /// <summary>
    /// The lock of a state file (FILE.lock beside it), for a verb that reads, changes and saves it: two processes
    /// never lose each other's changes. Null without a state file.
    /// </summary>
    public static IDisposable? Lock(string? statePath, TimeSpan timeout) =>
        statePath is null ? null : FileLock.Take(Path.GetFullPath(statePath) + ".lock", timeout);

    /// <summary>Saves the kernel back to the state file, if one is in use.</summary>
    public static void Save(KernelModel kernel, string? statePath)
    {
        if (statePath is not null)
        {
            AtomicFile.Write(statePath, SimState.Serialize(kernel));
        }
    }

    private static KernelModel Boot(string machine, KernelChoice? kernel, IReadOnlyList<string>? sets)
    {
        var spec = Machine(machine);
        if (kernel is not null)
        {
            spec.Kernel = kernel.Release.ToString();
        }

        bool setting = sets is { Count: > 0 };
        if (setting)
        {
            try
            {
                spec = BuiltinMachines.WithFields(spec, sets!);
                _ = KernelRelease.Parse(spec.Kernel);
            }
            catch (FormatException e)
            {
                throw new SimUsageException(e.Message);
            }
        }

        try
        {
            return MachineBuilder.Build(spec, kernel?.Abi);
        }
        catch (FormatException e) when (setting || BuiltinMachines.Names.Contains(machine))
        {
            throw new SimUsageException($"{(setting ? "--set" : machine)}: {e.Message}");
        }
        catch (FormatException e)
        {
            throw new BadFileException(machine, e.Message);
        }
    }

    // A built-in machine, or a machine file (reported with its position when it is not one).
    private static MachineSpec Machine(string machine)
    {
        try
        {
            return BuiltinMachines.Load(machine);
        }
        catch (FileNotFoundException e)
        {
            throw new SimUsageException(e.Message);
        }
        catch (JsonException e)
        {
            throw BadFileException.FromJson(machine, e);
        }
    }

    private static KernelModel Load(string statePath)
    {
        var text = File.ReadAllText(statePath);
        try
        {
            return SimState.Deserialize(text);
        }
        catch (JsonException e)
        {
            throw BadFileException.FromJson(statePath, e);
        }
        catch (FormatException e)
        {
            throw new BadFileException(statePath, e.Message);
        }
    }
}
