using Daxplug.Cli.Output;
using Daxplug.Control.Sysfs;
using Daxplug.Control.Transitions;
using Daxplug.Kernel;
using Daxplug.Sim;

namespace Daxplug.Cli.CommandLine;

/// <summary>
/// What a controller verb acts on: a sysfs, and with --sim the in-process kernel and its state file, which a verb
/// that writes reads, changes and saves under the state directory's lock (<see cref="Held"/>), so that two daxplug
/// processes never lose each other's changes. The kernel is saved when the verb ends, however it ends, as a real
/// kernel keeps whatever was done to it.
/// </summary>
internal sealed record ControllerTarget(ISysfs Sysfs, string Sysroot, StateDir StateDir, KernelModel? Model = null, string? StateFile = null,
                                       IDisposable? Held = null, IDisposable? StateLock = null) : IDisposable
{
    public Controller Controller(bool recoverFirst = false) => new(Sysfs, StateDir, Progress.Create()) { RecoverFirst = recoverFirst };

    public void Dispose()
    {
        try
        {
            if (Held is not null && Model is not null)
            {
                SimModel.Save(Model, StateFile);
            }
        }
        finally
        {
            StateLock?.Dispose();
            Held?.Dispose();
        }
    }
}
