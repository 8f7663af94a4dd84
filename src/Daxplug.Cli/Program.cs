using Daxplug.Cli;
using Daxplug.Cli.CommandLine;
using Daxplug.Sim;

StdStreams.Install();
try
{
    var parse = DaxplugCommand.Build().Parse(args);
    // A directive ([suggest:N] from the completion script) answers for itself.
    bool directive = parse.Tokens.Any(t => t.Type == System.CommandLine.Parsing.TokenType.Directive);
    if (!directive && (parse.Errors.Count > 0 || ParseErrors.Describe(parse) is { Length: > 0 }))
    {
        Console.Error.WriteLine($"daxplug: {ParseErrors.Describe(parse)} (see 'daxplug --help')");
        return 2;
    }

    // No SIGINT/SIGTERM handling of System.CommandLine's (a timeout, then exit): installing it costs every start-up
    // about half a millisecond, and the verbs that outlive a signal (sim serve, watch) install their own.
    var invocation = new System.CommandLine.InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = null,
        Output = Console.Out,
        Error = Console.Error,
    };
    return parse.Invoke(invocation);
}
catch (CliException e)
{
    Console.Error.WriteLine($"daxplug: {e.Message}");
    return e.ExitCode;
}
catch (SimUsageException e)
{
    Console.Error.WriteLine($"daxplug: {e.Message}");
    return CliException.Usage;
}
catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"daxplug: {e.Message}");
    return 1;
}
catch (Exception e)
{
    // A bug, not a user error: still one line, and a journal of an unfinished transaction stays for "recover".
    Console.Error.WriteLine($"daxplug: internal error: {e.Message} (a bug in daxplug; please report it with the command line)");
    if (Environment.GetEnvironmentVariable("DAXPLUG_DEBUG") is "1")
    {
        Console.Error.WriteLine(e.ToString());
    }

    return 1;
}
