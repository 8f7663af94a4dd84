namespace Daxplug.Lab.Scenarios;

/// <summary>An agent of a scenario: what it is (a kind, a name in <see cref="Agents.AgentKinds"/>) and what it acts on.</summary>
public sealed record AgentSpec(string Kind, string Device, IReadOnlyList<long>? Blocks = null, string? Target = null);
