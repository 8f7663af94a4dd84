namespace Daxplug.Cli.Output;

/// <summary>One cell of "lab matrix": a scenario on a kernel, the schedules run, violations and reported failures by kind.</summary>
internal sealed record MatrixCell(string Kernel, string Scenario, int Schedules, Dictionary<string, int> Violations, Dictionary<string, int> Reported);
