using System.CommandLine;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;

namespace Daxplug.Cli;

/// <summary>The options every sim verb shares (--machine, --kernel, --set, --state) and how they make a kernel.</summary>
internal sealed class SimOptions
{
    public Option<string> Machine { get; } = new("--machine", "-m")
    {
        Description = "Built-in machine (default, tib, qemu, lab, host), a machine JSON file, or a sysroot DIR holding DIR/sys/devices/system/memory (a dump of another machine's sysfs; docs/machines.md)",
        DefaultValueFactory = _ => "default",
        Recursive = true,
    };

    public Option<string?> Kernel { get; } = KernelOption("--kernel", "-k");

    /// <summary>
    /// The option that picks the simulated kernel: a release or a revision of the series (<see cref="KernelChoice"/>);
    /// without it, the machine's own release (7.3 for the built-in ones) as it shipped.
    /// </summary>
    public static Option<string?> KernelOption(string name, params string[] aliases) => new(name, aliases)
    {
        Description = "The simulated kernel: a release as it shipped (7.3, the default, has the series' daxX.Y/state; " +
                      "7.2, 6.18, 6.12, 6.1 have no attribute) or a revision of the series on 7.2 (hotplug: the " +
                      "cover letter's contract; hotplug-v3: v3 as posted), or REVISION@X.Y on another release",
        HelpName = "KERNEL",
        Recursive = true,
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Change a field of the machine description before boot, FIELD=VALUE (lists comma-separated; " +
                      "repeatable), e.g. --set kernel=6.1 --set autoOnlineBlocks=online_movable",
        Recursive = true,
    };

    public Option<string?> State { get; } = new("--state")
    {
        Description = "Keep the simulated kernel in this file between invocations (created on first use)",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Machine, Kernel, Set, State];

    /// <summary>A fresh boot of the machine (with --set applied), or the --state file's saved kernel.</summary>
    public KernelModel Open(ParseResult r)
    {
        var sets = r.GetValue(Set) ?? [];
        var state = r.GetValue(State);
        if (state is not null && File.Exists(state) && sets.Length > 0)
        {
            throw new CliException($"--set changes a machine at boot; {state} holds a kernel that has booted already", CliException.Usage);
        }

        return SimModel.Open(r.GetValue(Machine)!, r.GetValue(Kernel), state, sets);
    }

    /// <summary>
    /// <see cref="Open"/> for a verb that changes the kernel: with --state, the state file's lock is held from before
    /// it is read until <see cref="Save"/> has written it back (dispose it after saving).
    /// </summary>
    public (KernelModel Kernel, IDisposable? Held) OpenToChange(ParseResult r)
    {
        var held = SimModel.Lock(r.GetValue(State));
        try
        {
            return (Open(r), held);
        }
        catch
        {
            held?.Dispose();
            throw;
        }
    }

    public void Save(KernelModel kernel, ParseResult r) => SimModel.Save(kernel, r.GetValue(State));

    /// <summary>The options again as arguments, for a second daxplug process.</summary>
    public IEnumerable<string> Forward(ParseResult r)
    {
        yield return "--machine";
        yield return r.GetValue(Machine)!;
        if (r.GetValue(Kernel) is { } kernel)
        {
            yield return "--kernel";
            yield return kernel;
        }

        foreach (var s in r.GetValue(Set) ?? [])
        {
            yield return "--set";
            yield return s;
        }

        if (r.GetValue(State) is { } state)
        {
            yield return "--state";
            yield return Path.GetFullPath(state);
        }
    }
}
