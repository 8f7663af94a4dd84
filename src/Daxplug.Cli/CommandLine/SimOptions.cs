using System.CommandLine;
using Daxplug.Kernel;
using Daxplug.Sim;

namespace Daxplug.Cli.CommandLine;

/// <summary>The options every sim verb shares (--machine, --kernel, --set, --state) and how they make a kernel.</summary>
internal sealed class SimOptions
{
    public Option<string?> Machine { get; } = SharedOptions.Machine("The machine (default: default)", recursive: true);

    public Option<KernelChoice?> Kernel { get; } = SharedOptions.Kernel("The simulated kernel", recursive: true);

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Change a field of the machine description before boot, FIELD=VALUE (lists comma-separated; " +
                      "repeatable), e.g. --set kernel=6.1 --set autoOnlineBlocks=online_movable",
        HelpName = "FIELD=VALUE",
        Recursive = true,
    };

    public Option<string?> State { get; } = new("--state")
    {
        Description = "Keep the simulated kernel in this file between invocations (created on first use)",
        HelpName = "FILE",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Machine, Kernel, Set, State];

    /// <summary>A fresh boot of the machine (with --set applied), or the --state file's saved kernel.</summary>
    public KernelModel Open(ParseResult r) => SimModel.Open(r.GetValue(Machine) ?? "default", r.GetValue(Kernel), r.GetValue(State), r.GetValue(Set) ?? []);

    /// <summary>
    /// <see cref="Open"/> for a verb that changes the kernel: with --state, the state file's lock is held from before
    /// it is read until <see cref="Save"/> has written it back (dispose it after saving).
    /// </summary>
    public (KernelModel Kernel, IDisposable? Held) OpenToChange(ParseResult r)
    {
        var held = SimModel.Lock(r.GetValue(State), Control.Transitions.StateDir.LockTimeout);
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
        if (r.GetValue(Machine) is { } machine)
        {
            yield return "--machine";
            yield return machine;
        }

        if (r.GetResult(Kernel) is { Tokens: [.., var kernel] })
        {
            yield return "--kernel";
            yield return kernel.Value;
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
