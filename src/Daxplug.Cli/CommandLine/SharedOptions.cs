using System.CommandLine.Parsing;
using System.CommandLine;
using Daxplug.Control.Transitions;
using Daxplug.Kernel;
using Daxplug.Lab.Scenarios;
using Daxplug.Lab;

namespace Daxplug.Cli.CommandLine;

/// <summary>
/// The options and arguments that mean the same thing in several verbs, defined once: one name, one short form and
/// one meaning everywhere (-J is JSON, -n a dry run, -k the simulated kernel, -j the lab's threads).
/// </summary>
internal sealed class SharedOptions
{
    /// <summary>Where the controller verbs act.</summary>
    public TargetOptions Target { get; } = new();

    /// <summary>The policy "apply" and "watch" read.</summary>
    public PolicyOptions Policy { get; } = new();

    public Option<bool> Json { get; } = new("--json", "-J") { Description = "JSON instead of text" };

    public Option<bool> DryRun { get; } = new("--dry-run", "-n") { Description = "Say what would be done; change nothing" };

    public Option<bool> Yes { get; } = new("--yes", "-y") { Description = "Do not ask before writing this machine's real /sys" };

    public Option<bool> Recover { get; } = new("--recover") { Description = "If a transaction was interrupted (a pending journal), recover it first instead of refusing to start" };

    // The lab's options are made when a lab verb asks for them: a controller verb's start-up does not pay for them.
    private Option<int>? schedules, jobs;
    private Option<string>? strategy;

    public Option<int> Schedules => schedules ??= new("--schedules")
    {
        Description = "How many schedules (seeds) to explore",
        DefaultValueFactory = _ => 1000,
        CustomParser = ValueParsers.Count(1),
    };

    public Option<int> Jobs => jobs ??= new("--jobs", "-j")
    {
        Description = "Schedules run at once, on that many threads (random and pct; default: one per core). The results do not depend on it",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        CustomParser = ValueParsers.Count(1),
    };

    public Option<string> Strategy => strategy ??= Strategies();

    /// <summary>
    /// The simulated kernel: a release as it shipped or a revision of the series; without it, the machine's own
    /// release. <paramref name="recursive"/> for a verb group whose verbs all take it.
    /// </summary>
    public static Option<KernelChoice?> Kernel(string description, bool recursive = false) => new("--kernel", "-k")
    {
        Description = description + ": a release as it shipped (7.3, the default, has the series' daxX.Y/state; 7.2, 6.18, " +
                      "6.12, 6.1 have no attribute) or a revision of the series on 7.2 (hotplug: the cover letter's contract; " +
                      "hotplug-v3: v3 as posted), or REVISION@X.Y on another release",
        HelpName = "KERNEL",
        CustomParser = ValueParsers.Kernel,
        Recursive = recursive,
        CompletionSources = { _ => KernelChoice.Known.Select(k => new System.CommandLine.Completions.CompletionItem(k.Name)) },
    };

    /// <summary>A built-in machine, a machine file, or a sysroot dump.</summary>
    public static Option<string?> Machine(string description, bool recursive = false) => new("--machine")
    {
        Description = description + ": a built-in machine (default, tib, qemu, lab, host), a machine JSON file, or a sysroot DIR " +
                      "holding DIR/sys/devices/system/memory (a dump of another machine's sysfs; docs/machines.md)",
        HelpName = "MACHINE",
        Recursive = recursive,
        CompletionSources = { _ => Daxplug.Sim.Machines.BuiltinMachines.Names.Select(n => new System.CommandLine.Completions.CompletionItem(n)) },
    };

    /// <summary>The lab's scenario, one of the built-in ones.</summary>
    public static Option<string> Scenario(bool required)
    {
        var o = new Option<string>("--scenario", "-s") { Description = "The scenario", Required = required, HelpName = "SCENARIO" };
        o.AcceptOnlyFromAmong([.. BuiltinScenarios.All.Select(s => s.Name)]);
        return o;
    }

    /// <summary>A controller verb: it takes the target options (also after its name) and checks them.</summary>
    public Command ControllerVerb(string name, string description)
    {
        var command = new Command(name, description);
        foreach (var option in Target.All)
        {
            command.Options.Add(option);
        }

        command.Validators.Add(Target.Validate);
        return command;
    }

    /// <summary>A dax device argument; its completions are the devices of the target the command line names.</summary>
    public Argument<string?> Device(string description, bool optional) => new("device")
    {
        Description = description,
        Arity = optional ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
        // Only when completing a command line: help asks too, and must not read a sysfs for it.
        CompletionSources = { context => context is System.CommandLine.Completions.TextCompletionContext
            ? Target.DeviceNames(context.ParseResult).Select(n => new System.CommandLine.Completions.CompletionItem(n))
            : [] },
    };

    /// <summary>A target state of "set"; "offline" and anything else is a parse error that lists the targets.</summary>
    public static Argument<DeviceState> State()
    {
        var state = new Argument<DeviceState>("state")
        {
            Description = $"{string.Join(" | ", DeviceState.TargetNames)} (not offline: the half-way state of a per-block " +
                          "transition, which 7.3's attribute shows but refuses to be written; unplug to take the memory away)",
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (DeviceState.Parse(text) is { IsTarget: true } s)
                {
                    return s;
                }

                r.AddError($"state: '{text}' is not a target (one of: {string.Join(", ", DeviceState.TargetNames)})");
                return DeviceState.Unplugged;
            },
        };

        // The targets' names, not the enum's member names that System.CommandLine offers by itself.
        state.CompletionSources.Clear();
        state.CompletionSources.Add(DeviceState.TargetNames.ToArray());
        return state;
    }

    private static Option<string> Strategies()
    {
        var o = new Option<string>("--strategy")
        {
            Description = "random (seeded), pct (seeded, priority changes at depth 3) or dfs (every schedule with at most 2 preemptions, up to --schedules)",
            DefaultValueFactory = _ => "random",
        };
        o.AcceptOnlyFromAmong([.. Explorer.Strategies]);
        return o;
    }
}
