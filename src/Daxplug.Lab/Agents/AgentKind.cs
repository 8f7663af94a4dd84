using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

/// <summary>A kind of agent: its name as scenarios spell it, whether it claims something about its device (a
/// controller; the others are competitors), and how to make one.</summary>
public sealed record AgentKind(string Name, bool Claims, Func<AgentSpec, AgentContext, Agent> Create);
