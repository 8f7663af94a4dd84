using System.CommandLine;

namespace Daxplug.Cli.CommandLine;

/// <summary>
/// A parse's errors as one line: an unknown verb or option is named as such (not as a missing command, nor taken for
/// a device name), and the rest follow.
/// </summary>
internal static class ParseErrors
{
    public static string Describe(ParseResult parse)
    {
        var messages = new List<string>();
        if (DaxplugCommand.Misplaced(parse) is { } misplaced)
        {
            messages.Add(misplaced);
        }

        foreach (var token in parse.UnmatchedTokens)
        {
            messages.Add(token.StartsWith('-') ? $"unknown option '{token}'" : parse.CommandResult.Command is RootCommand ? $"unknown command '{token}'" : $"unexpected argument '{token}'");
        }

        // An option the parser did not know may have been taken as an argument (an optional device): name it.
        foreach (var arg in parse.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>())
        {
            foreach (var token in arg.Tokens.Where(t => t.Value.Length > 1 && t.Value.StartsWith('-') && !AfterDoubleDash(parse, t)))
            {
                messages.Add($"unknown option '{token.Value}' (put '--' before an argument that starts with '-')");
            }
        }

        bool named = messages.Count > 0;
        foreach (var error in parse.Errors)
        {
            if (named && (error.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal) || error.Message == "Required command was not provided."))
            {
                continue;
            }

            messages.Add(error.Message);
        }

        return string.Join("; ", messages.Distinct());
    }

    private static bool AfterDoubleDash(ParseResult parse, System.CommandLine.Parsing.Token token)
    {
        var all = parse.Tokens;
        int dash = -1;
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].Type == System.CommandLine.Parsing.TokenType.DoubleDash)
            {
                dash = i;
            }

            if (ReferenceEquals(all[i], token))
            {
                return dash >= 0 && dash < i;
            }
        }

        return false;
    }
}
