namespace Daxplug.Lab.Scenarios;

/// <summary>One violation of an invariant, with the step it was seen at.</summary>
public sealed record Violation(string Kind, string Detail, int Step);
