namespace Daxplug.Control.Transitions;

/// <summary>How a transition ended, as the exit code tells it.</summary>
public enum OutcomeCode
{
    /// <summary>0: the device is in the requested state (verified).</summary>
    Done = 0,

    /// <summary>1: it failed and everything was put back as it was.</summary>
    RolledBack = 1,

    /// <summary>2: bad usage (unknown device or state); nothing was touched.</summary>
    Usage = 2,

    /// <summary>3: it failed and could not be fully put back; the message says which blocks are where.</summary>
    Stranded = 3,
}

/// <summary>The result of a transition: its code, a one-line message and the steps taken.</summary>
public sealed record Outcome(OutcomeCode Code, string Message, IReadOnlyList<string> Steps)
{
    /// <summary>Something the user should know about a done transition (printed apart from the message).</summary>
    public string? Note { get; init; }

    public static Outcome Usage(string message) => new(OutcomeCode.Usage, message, []);
}
