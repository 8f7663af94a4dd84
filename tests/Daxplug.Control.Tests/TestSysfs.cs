using System.Text;
using Daxplug.Control.Sysfs;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Control.Tests;

/// <summary>The in-process model seen through <see cref="ISysfs"/>, with a hook that runs after every write.</summary>
internal sealed class TestSysfs : ISysfs
{
    public TestSysfs(KernelModel kernel) => Kernel = kernel;

    public KernelModel Kernel { get; }

    /// <summary>Runs after each write with (path, value): a competing controller, or a crash.</summary>
    public Action<string, string>? AfterWrite { get; set; }

    public int Writes { get; private set; }

    public string Describe => "test-model";

    /// <summary>Whether the model stands for this machine's kernel here (journal names and checks differ).</summary>
    public bool IsHost { get; set; }

    public static TestSysfs Boot(AbiProfile abi, string policy = "offline", string machine = "default")
    {
        var spec = BuiltinMachines.Load(machine);
        spec.AutoOnlineBlocks = policy;
        return new TestSysfs(MachineBuilder.Build(spec, abi));
    }

    public Errno Read(string path, out string text) => Kernel.Sysfs.Read(path, out text);

    public Errno Write(string path, string value)
    {
        var errno = ErrnoResult.Of(Kernel.Sysfs.Write(path, Encoding.Latin1.GetBytes(value)));
        Writes++;
        AfterWrite?.Invoke(path, value);
        return errno;
    }

    public Errno List(string path, out IReadOnlyList<string> names) => Kernel.Sysfs.List(path, out names);

    public string? ReadLink(string path) =>
        Kernel.Sysfs.Lookup(path, out var node, followLast: false) == Errno.None && node is KernfsLink l ? l.Target : null;

    public bool Exists(string path) => Kernel.Sysfs.Lookup(path, out _) == Errno.None;

    /// <summary>Writes straight to the model, as another agent would.</summary>
    public void Poke(string path, string value) => Kernel.Sysfs.Write(path, Encoding.Latin1.GetBytes(value));
}
