using Daxplug.Kernel;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

/// <summary>What an agent acts through: the kernel, a view of its devices, the timeline it writes to, the checks its
/// claims go to, and the scheduler's step (for the violations it finds).</summary>
public sealed record AgentContext(KernelModel Kernel, DeviceView Devices, Timeline Timeline, Checks Checks, Func<int> Step);
