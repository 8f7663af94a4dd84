using Daxplug.Control.Transitions;
using Daxplug.Lab.Scenarios;
using Daxplug.Sim;

namespace Daxplug.Lab.Agents;

// Models `daxplug set DEVICE TARGET`: this repository's controller, run as is through the sysfs text surface.
/// <summary>
/// The daxplug controller itself, through <see cref="ModelSysfs"/>, with its own lock and journal in a scratch state
/// directory. Its claims: "done" means the device is in the target state right now; "rolled back" and "stranded"
/// are failures it reported, which the matrix counts but does not call violations.
/// </summary>
public sealed class DaxplugSet(AgentSpec spec, AgentContext context) : Agent(spec, context)
{
    public const string Name = "daxplug";

    /// <summary>The controller does synchronous I/O, as the real process does.</summary>
    public override bool OwnThread => true;

    public override ValueTask RunAsync()
    {
        Set();
        return ValueTask.CompletedTask;
    }

    private void Set()
    {
        var target = Spec.Target ?? "unplugged";
        var state = DeviceState.Parse(target) ?? throw new FormatException($"daxplug agent: '{target}' is not a device state");
        var dir = ScratchDirectory();
        try
        {
            var sysfs = ModelSysfs.Create(Kernel, "lab", (path, value, errno) => Timeline.Written(Spec.Kind, path, value.TrimEnd('\n'), -(int)errno));
            var outcome = new Controller(sysfs, new StateDir(dir.FullName)).Set(Spec.Device, state);
            Timeline.Add(Spec.Kind, $"set {Spec.Device} {target}: exit {(int)outcome.Code}: {outcome.Message}");
            if (outcome.Code == OutcomeCode.Done)
            {
                Checks.InState(Spec.Device, Spec.Kind, target, Step());
            }
            else
            {
                Checks.Exited(Spec.Kind, (int)outcome.Code);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // The state directory: on a tmpfs where there is one (/dev/shm), since the controller syncs its journal to disk
    // at every transaction and a schedule's journal needs to outlive nothing.
    private static DirectoryInfo ScratchDirectory() => Directory.Exists("/dev/shm")
        ? Directory.CreateDirectory(Path.Combine("/dev/shm", $"daxplug-lab-{Guid.NewGuid():n}"))
        : Directory.CreateTempSubdirectory("daxplug-lab-");
}
