using System.Text.Json;
using System.Text.RegularExpressions;

namespace Daxplug.Control.Files;

/// <summary>
/// A file daxplug read and cannot use (a journal, a --sim state, a machine, a policy, a saved schedule): its
/// message is one line, "FILE:LINE:COLUMN: what is wrong" (or "FILE: ..." where no position applies). Whoever
/// finds a file bad leaves it as it is.
/// </summary>
public sealed partial class BadFileException : FormatException
{
    public BadFileException(string file, string what, long? line = null, long? column = null)
        : base($"{file}{(line is { } l ? $":{l}" : "")}{(line is not null && column is { } c ? $":{c}" : "")}: {what}")
    {
        File = file;
        What = what;
    }

    public string File { get; }

    /// <summary>What is wrong, without the file and position.</summary>
    public string What { get; }

    /// <summary>A JSON reader's or deserializer's complaint about <paramref name="file"/>, in words a user reads.</summary>
    public static BadFileException FromJson(string file, JsonException e)
    {
        var what = e.Message;
        int cut = what.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = what.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        what = cut >= 0 ? what[..cut] : what;
        what = UnmappedMember().Replace(what, "the field '$1' is not one this file has");
        what = NullMember().Replace(what, "'$1' cannot be null");
        what = MissingMembers().Replace(what, "missing: $1");
        what = TypeName().Replace(what, m => TypeWords.GetValueOrDefault(m.Value)
            ?? (m.Value.StartsWith("System.Collections.", StringComparison.Ordinal) ? "a list" : m.Value.StartsWith("Daxplug.", StringComparison.Ordinal) ? "an object" : "a value of another kind"));
        what = what.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal) ? "empty: no JSON in it" : what.TrimEnd('.');
        if (e.Path is { Length: > 1 } path)
        {
            what += $" (at {path})";
        }

        return new BadFileException(file, what, e.LineNumber + 1, e.BytePositionInLine + 1);
    }

    /// <summary>What a .NET type a JSON value had to become is called in a message.</summary>
    private static readonly Dictionary<string, string> TypeWords = new()
    {
        ["System.Int32"] = "a whole number (32-bit)",
        ["System.UInt32"] = "a whole number ≥ 0 (32-bit)",
        ["System.Int64"] = "a whole number (64-bit)",
        ["System.UInt64"] = "a whole number ≥ 0 (64-bit)",
        ["System.Boolean"] = "true or false",
        ["System.String"] = "a string",
        ["System.DateTimeOffset"] = "a date and time (ISO 8601)",
        ["System.Nullable`1[System.Int32]"] = "a whole number or null",
        ["System.Nullable`1[System.Int64]"] = "a whole number or null",
    };

    [GeneratedRegex(@"The JSON property '([^']*)' could not be mapped to any \.NET member contained in type '[^']*'")]
    private static partial Regex UnmappedMember();

    [GeneratedRegex(@"The property or field '([^']*)' on type '[^']*' doesn't allow setting null values\..*")]
    private static partial Regex NullMember();

    [GeneratedRegex(@"JSON deserialization for type '[^']*' was missing required properties including: (.*)\.?$")]
    private static partial Regex MissingMembers();

    [GeneratedRegex(@"System\.[A-Za-z0-9_.`\[\],]+|Daxplug\.[A-Za-z0-9_.]+")]
    private static partial Regex TypeName();
}
