using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Daxplug.Cli.Verbs;

namespace Daxplug.Cli.CommandLine;

/// <summary>The whole command line: the controller verbs (which take the target options before or after their name), sim and lab.</summary>
internal static class DaxplugCommand
{
    public static RootCommand Build()
    {
        var o = new SharedOptions();
        var root = new RootCommand("daxplug: atomic hot-plugging of device memory (CXL, HMEM, pmem via device-DAX), and a simulated kernel to try it on.");
        foreach (var option in o.Target.All)
        {
            root.Options.Add(option);
        }

        foreach (var verb in new[] { ListVerb.Build(o), BlocksVerb.Build(o), SetVerb.Build(o), RecoverVerb.Build(o), ReconfigureVerb.Build(o), DoctorVerb.Build(o),
                                     ApplyVerb.Build(o), WatchVerb.Build(o), SimVerb.Build(), LabVerb.Build(o), CompletionVerb.Build() })
        {
            root.Subcommands.Add(verb);
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

    private static bool IsController(Command verb) => verb.Name is not ("sim" or "lab" or "completion");
}
