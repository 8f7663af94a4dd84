using System.CommandLine;
using Daxplug.Cli;

StdStreams.Install();
try
{
    if (ControlCommands.BlocksFastPath(args) is { } blocksExit)
    {
        return blocksExit;
    }

    var root = new RootCommand("daxplug: atomic hot-plugging of device memory (CXL, HMEM, pmem via device-DAX), and a simulated kernel to try it on.");
    root.Subcommands.Add(SimCommands.Build());
    root.Subcommands.Add(LabCommands.Build());
    foreach (var command in ControlCommands.Build(root))
    {
        root.Subcommands.Add(command);
    }
    // Help is wrapped to the width of the terminal (not at all elsewhere), found without System.Console (see StdStreams).
    foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
    {
        if (help.Action is System.CommandLine.Help.HelpAction action)
        {
            action.MaxWidth = StdStreams.TerminalWidth() ?? int.MaxValue;
        }
    }

    var parse = root.Parse(args);
    if (parse.Errors.Count > 0)
    {
        Console.Error.WriteLine($"daxplug: {string.Join("; ", parse.Errors.Select(e => e.Message))} (see 'daxplug --help')");
        return 2;
    }

    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = Console.Out, Error = Console.Error });
}
catch (CliException e)
{
    Console.Error.WriteLine($"daxplug: {e.Message}");
    return e.ExitCode;
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
    return 1;
}
