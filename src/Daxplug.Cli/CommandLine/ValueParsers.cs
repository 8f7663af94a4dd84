using System.CommandLine.Parsing;
using System.CommandLine;
using System.Globalization;
using Daxplug.Kernel;

namespace Daxplug.Cli.CommandLine;

/// <summary>
/// Values checked while the command line is parsed: a bad one is a parse error that names the option and what it
/// accepts (exit 2), never an exception from inside a verb and never a .NET type name.
/// </summary>
internal static class ValueParsers
{
    /// <summary>A whole number of at least <paramref name="min"/>.</summary>
    public static Func<ArgumentResult, int> Count(int min) => r =>
    {
        var text = Token(r);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min)
        {
            return n;
        }

        r.AddError($"{Name(r)}: '{text}' is not a whole number of at least {min}");
        return min;
    };

    /// <summary>A --kernel value: a release or a revision of the series (<see cref="KernelChoice"/>).</summary>
    public static KernelChoice? Kernel(ArgumentResult r)
    {
        var text = Token(r);
        if (KernelChoice.Parse(text) is { } choice)
        {
            return choice;
        }

        r.AddError($"{Name(r)}: unknown kernel '{text}' (one of: {KernelChoice.Names})");
        return null;
    }

    /// <summary>The option or argument a value was given for, as the user wrote it.</summary>
    public static string Name(ArgumentResult r) => r.Parent is OptionResult o ? o.IdentifierToken?.Value ?? o.Option.Name : r.Argument.Name;

    private static string Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
}
