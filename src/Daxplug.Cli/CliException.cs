namespace Daxplug.Cli;

/// <summary>A user error: printed as one line "daxplug: message", exit with <see cref="ExitCode"/>.</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>Exit code for bad usage (unknown machine, kernel, argument).</summary>
    public const int Usage = 2;
}
