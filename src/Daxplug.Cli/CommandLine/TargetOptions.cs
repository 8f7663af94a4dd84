using System.CommandLine;
using Daxplug.Control.Sysfs;
using Daxplug.Control.Transitions;
using Daxplug.Kernel;
using Daxplug.Sim;

namespace Daxplug.Cli.CommandLine;

/// <summary>
/// Where the controller verbs act: a sysroot (this machine's, or a dump or FUSE mount of the model, as lsmem
/// --sysroot takes it) or, with --sim, the in-process simulated kernel. Accepted before or after the verb
/// ("daxplug --sim list", "daxplug list --sim"), and only on the controller verbs.
/// </summary>
internal sealed class TargetOptions
{
    public Option<string> Sysroot { get; } = new("--sysroot")
    {
        Description = "Act on the system under DIR: its sysfs is DIR/sys, doctor's files DIR/etc, DIR/usr/lib… (a dump " +
                      "or a 'sim serve' mount works too); with --sim, doctor reads the files under DIR and the simulated sysfs",
        HelpName = "DIR",
        DefaultValueFactory = _ => "/",
    };

    public Option<bool> Sim { get; } = new("--sim") { Description = "Act on the in-process simulated kernel instead (kept in --state-dir between runs)" };

    public Option<string?> Machine { get; } = SharedOptions.Machine("The simulated machine (implies --sim; default: default)");

    public Option<KernelChoice?> Kernel { get; } = SharedOptions.Kernel("The simulated kernel (implies --sim)");

    public Option<string> StateDir { get; } = new("--state-dir")
    {
        Description = "The lock, the journal of an unfinished transaction and the --sim kernels live here",
        HelpName = "DIR",
        DefaultValueFactory = _ => "/var/lib/daxplug",
    };

    public IReadOnlyList<Option> All => [Sysroot, Sim, Machine, Kernel, StateDir];

    /// <summary>Whether the command line asks for the simulated kernel.</summary>
    public bool Simulated(ParseResult r) => r.GetValue(Sim) || r.GetResult(Machine) is not null || r.GetResult(Kernel) is not null;

    /// <summary>The chosen target; a verb that <paramref name="writes"/> holds the state directory's lock until disposed.</summary>
    public ControllerTarget Open(ParseResult r, bool writes = false)
    {
        var stateDir = new StateDir(Path.GetFullPath(r.GetValue(StateDir)!));
        var sysroot = r.GetValue(Sysroot)!;
        if (!Simulated(r))
        {
            return new ControllerTarget(HostRoot(sysroot), sysroot, stateDir);
        }

        var machine = r.GetValue(Machine) ?? "default";
        var file = SimModel.StateFile(stateDir.Path, machine);
        var held = writes ? stateDir.Lock(Control.Transitions.StateDir.LockTimeout) : null;
        IDisposable? stateLock = null;
        try
        {
            // The state file has a lock of its own too, which "sim --state FILE" verbs take.
            stateLock = writes ? SimModel.Lock(file, Control.Transitions.StateDir.LockTimeout) : null;
            var kernel = SimModel.Open(machine, r.GetValue(Kernel), file);
            return new ControllerTarget(ModelSysfs.Create(kernel, $"model:{SimModel.StateName(machine)}"), sysroot, stateDir, kernel, file, held, stateLock);
        }
        catch
        {
            stateLock?.Dispose();
            held?.Dispose();
            throw;
        }
    }

    /// <summary>The sysfs of a sysroot, checked to be one with memory hotplug.</summary>
    public static HostSysfs HostRoot(string sysroot)
    {
        var sys = Path.Combine(sysroot, "sys");
        return Directory.Exists(Path.Combine(sys, "devices/system/memory"))
            ? new HostSysfs(sys)
            : throw new CliException($"--sysroot {sysroot}: no sysfs with memory hotplug there (no sys/devices/system/memory)", CliException.Usage);
    }

    /// <summary>The dax devices of the target, for completion (none when it cannot be opened).</summary>
    public IReadOnlyList<string> DeviceNames(ParseResult r)
    {
        try
        {
            using var target = Open(r);
            return target.Sysfs.List("/sys/bus/dax/devices", out var names) == 0 ? names : [];
        }
        catch (Exception e) when (e is CliException or IOException or FormatException or UnauthorizedAccessException or SimUsageException)
        {
            return [];
        }
    }

    /// <summary>
    /// Parse-time checks: --sysroot and --sim exclude each other, but for doctor, which reads the files of a system
    /// (DIR/etc, …) beside its sysfs and can check them against the simulated kernel's.
    /// </summary>
    public void Validate(System.CommandLine.Parsing.CommandResult r)
    {
        bool sim = r.GetValue(Sim) || r.GetResult(Machine) is not null || r.GetResult(Kernel) is not null;
        if (sim && r.GetResult(Sysroot) is { Implicit: false } && r.Command.Name != "doctor")
        {
            r.AddError("--sysroot and --sim (or --machine, --kernel) exclude each other: one acts on a sysfs, the other on the simulated kernel");
        }
    }
}
