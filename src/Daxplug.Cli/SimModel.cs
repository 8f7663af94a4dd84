using System.Text.Json;
using Daxplug.Control.Files;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;

namespace Daxplug.Cli;

/// <summary>
/// How sim verbs and --sim get their kernel: a fresh boot of a machine as a kernel, or a state file's saved one.
/// A state file is replaced atomically (never torn), and one that cannot be read is reported and left alone.
/// </summary>
internal static class SimModel
{
    /// <summary>
    /// The saved kernel of <paramref name="statePath"/>, or a fresh boot of <paramref name="machine"/> as
    /// <paramref name="kernel"/> (a <see cref="KernelChoice"/> name; null: the machine's own release as it shipped),
    /// with <paramref name="sets"/> applied after it.
    /// </summary>
    public static KernelModel Open(string machine, string? kernel, string? statePath, IReadOnlyList<string>? sets = null)
    {
        if (statePath is not null && Directory.Exists(statePath))
        {
            throw new BadFileException(statePath, "is a directory, not a saved kernel");
        }

        if (statePath is not null && File.Exists(statePath))
        {
            var saved = Load(statePath);
            if (kernel is not null && KernelChoice.Of(Choice(kernel).Release, Choice(kernel).Abi) != saved.Choice)
            {
                throw new CliException($"{statePath} holds a simulated {saved.Choice} kernel; --kernel {kernel} applies to a new one (remove the file, or use another)", CliException.Usage);
            }

            return saved;
        }

        var choice = kernel is null ? null : Choice(kernel);
        var spec = Machine(machine);
        if (choice is not null)
        {
            spec.Kernel = choice.Release.ToString();
        }

        if (sets is { Count: > 0 })
        {
            try
            {
                spec = BuiltinMachines.WithFields(spec, sets);
                _ = KernelRelease.Parse(spec.Kernel);
            }
            catch (FormatException e)
            {
                throw new CliException(e.Message, CliException.Usage);
            }
        }

        KernelModel model;
        try
        {
            model = MachineBuilder.Build(spec, choice?.Abi);
        }
        catch (FormatException e) when (sets is { Count: > 0 } || BuiltinMachines.Names.Contains(machine))
        {
            throw new CliException($"{(sets is { Count: > 0 } ? "--set" : machine)}: {e.Message}", CliException.Usage);
        }
        catch (FormatException e)
        {
            throw new BadFileException(machine, e.Message);
        }

        SimState.Record(model);
        return model;
    }

    /// <summary>A --kernel value, or a usage error that lists the choices.</summary>
    public static KernelChoice Choice(string name) =>
        KernelChoice.Parse(name) ?? throw new CliException($"unknown kernel '{name}' (one of: {KernelChoice.Names})", CliException.Usage);

    /// <summary>
    /// The lock of a state file (FILE.lock beside it), for a verb that reads, changes and saves it: two processes
    /// never lose each other's changes. Null without a state file.
    /// </summary>
    public static IDisposable? Lock(string? statePath) =>
        statePath is null ? null : FileLock.Take(Path.GetFullPath(statePath) + ".lock", Daxplug.Control.Transitions.StateDir.LockTimeout);

    /// <summary>Saves the kernel back to the state file, if one is in use.</summary>
    public static void Save(KernelModel kernel, string? statePath)
    {
        if (statePath is not null)
        {
            AtomicFile.Write(statePath, SimState.Serialize(kernel));
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
            throw new CliException(e.Message, CliException.Usage);
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
