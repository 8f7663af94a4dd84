using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Daxplug.Cli.Verbs;

namespace Daxplug.Cli.CommandLine;

/// <summary>The whole command line: the controller verbs (which take the target options before or after their name), sim and lab.</summary>
internal static class DaxplugCommand
{
    /// <summary>
    /// The command line for <paramref name="args"/>. Building every verb's options and texts is most of a short
    /// verb's start-up, so only the verbs that <paramref name="args"/> name are built in full; the others are
    /// there by name alone (the parse, its errors and its help are the same). No verb named, or a directive
    /// (completion): all of them.
    /// </summary>
    public static RootCommand Build(IReadOnlyList<string>? args = null)
    {
        var o = new SharedOptions();
        var root = new RootCommand("daxplug: atomic hot-plugging of device memory (CXL, HMEM, pmem via device-DAX), and a simulated kernel to try it on.");
        foreach (var option in o.Target.All)
        {
            root.Options.Add(option);
        }

        bool all = args is null || !args.Any(a => Verbs.Any(v => v.Name == a)) || args.Any(a => a.StartsWith('['));
        foreach (var (name, build) in Verbs)
        {
            root.Subcommands.Add(all || args!.Contains(name) ? build(o) : new Command(name));
        }

        foreach (var help in root.Options.OfType<HelpOption>())
        {
            // -h and --help only: "-?", "/?" and "/h" are not conventions here, and completion would offer them.
            help.Aliases.Clear();
            help.Aliases.Add("-h");
            // Help is wrapped to the width of the terminal (not at all elsewhere), found without System.Console (see StdStreams).
            if (help.Action is HelpAction action)
            {
                action.MaxWidth = StdStreams.TerminalWidth() ?? int.MaxValue;
            }
        }

        return root;
    }

    /// <summary>A target option given before a verb that does not take it ("daxplug --sim lab run"): it would be ignored.</summary>
    public static string? Misplaced(ParseResult parse)
    {
        var verb = parse.RootCommandResult.Children.OfType<CommandResult>().FirstOrDefault()?.Command;
        var given = parse.RootCommandResult.Children.OfType<OptionResult>().FirstOrDefault(x => !x.Implicit && x.Option is not HelpOption and not VersionOption);
        return verb is not null && !IsController(verb) && given is not null ? $"{given.IdentifierToken?.Value ?? given.Option.Name} applies to the controller verbs, not to '{verb.Name}'" : null;
    }

    // The verbs, in the order help lists them.
    private static readonly (string Name, Func<SharedOptions, Command> Build)[] Verbs =
    [
        ("list", ListVerb.Build), ("blocks", BlocksVerb.Build), ("set", SetVerb.Build), ("recover", RecoverVerb.Build),
        ("reconfigure", ReconfigureVerb.Build), ("doctor", DoctorVerb.Build), ("apply", ApplyVerb.Build), ("watch", WatchVerb.Build),
        ("sim", _ => SimVerb.Build()), ("lab", LabVerb.Build), ("completion", _ => CompletionVerb.Build()),
    ];

    private static bool IsController(Command verb) => verb.Name is not ("sim" or "lab" or "completion");
}
