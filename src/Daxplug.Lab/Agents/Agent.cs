using System.Text;
using Daxplug.Kernel;
using Daxplug.Kernel.Dax;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

/// <summary>
/// One agent of a scenario: a small model of a real tool that writes sysfs while others do, made
/// by name from <see cref="AgentKinds"/>. It logs every write with the kernel's answer, and checks its own claims
/// the moment the kernel answers.
/// </summary>
public abstract class Agent(AgentSpec spec, AgentContext context)
{
    /// <summary>What the scenario asks of it.</summary>
    protected AgentSpec Spec => spec;

    protected KernelModel Kernel => context.Kernel;

    protected DeviceView Devices => context.Devices;

    protected Timeline Timeline => context.Timeline;

    protected Checks Checks => context.Checks;

    /// <summary>Whether it does synchronous I/O, as a real process does, and so needs a thread of its own; other
    /// agents await the model and run on the scheduler's thread.</summary>
    public virtual bool OwnThread => false;

    /// <summary>Does what the tool does, once.</summary>
    public abstract ValueTask RunAsync();

    /// <summary>The scheduler's step now.</summary>
    protected int Step() => context.Step();

    /// <summary>The device the agent acts on.</summary>
    protected DevDax Device() => Kernel.Dax.Find(Spec.Device)!;

    /// <summary>Writes "<paramref name="value"/>\n" to <paramref name="path"/> and logs the answer: bytes written or -errno.</summary>
    protected async ValueTask<int> Write(string path, string value)
    {
        int rc = await Kernel.Sysfs.WriteAsync(path, Encoding.ASCII.GetBytes(value + "\n"));
        Timeline.Written(Spec.Kind, path, value, rc);
        return rc;
    }

    /// <summary>Gives up and says so.</summary>
    protected void Fail(string what) => Checks.Failed(Spec.Kind, what);
}
