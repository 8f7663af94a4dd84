using Daxplug.Kernel;
using Daxplug.Kernel.Machines;

namespace Daxplug.Cli;

/// <summary>How sim verbs get their kernel: a fresh boot of --machine/--abi, or the --state file's saved one.</summary>
internal static class SimModel
{
    public static KernelModel Open(string machine, string abi, string? statePath, IReadOnlyList<string>? sets = null)
    {
        if (statePath is not null && File.Exists(statePath))
        {
            return SimState.Load(statePath);
        }

        var profile = AbiProfiles.Parse(abi)
                      ?? throw new CliException($"unknown --abi '{abi}' (one of: {string.Join(", ", AbiProfiles.All)})", CliException.Usage);
        MachineSpec spec;
        try
        {
            spec = BuiltinMachines.Load(machine);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException(e.Message, CliException.Usage);
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

        var kernel = MachineBuilder.Build(spec, profile);
        SimState.Record(kernel);
        return kernel;
    }

    /// <summary>Saves the kernel back to the state file, if one is in use.</summary>
    public static void Save(KernelModel kernel, string? statePath)
    {
        if (statePath is not null)
        {
            SimState.Save(kernel, statePath);
        }
    }
}
