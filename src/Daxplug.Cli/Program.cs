using System.CommandLine;
using Daxplug.Cli;

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
    var parse = root.Parse(args);
    if (parse.Errors.Count > 0)
    {
        Console.Error.WriteLine($"daxplug: {string.Join("; ", parse.Errors.Select(e => e.Message))} (see 'daxplug --help')");
        return 2;
    }

    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
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
