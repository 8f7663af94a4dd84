using System.Collections.Immutable;
using Daxplug.Kernel;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Agents;

// Models kexec-tools' kdump udev rule: on memory add/remove it reloads the crash kernel, which reads every block.
/// <summary>
/// Lists /sys/devices/system/memory and reads each listed block's state and phys_index, three times. A block may
/// vanish between the listing and the read (ENOENT); any other error, or a value outside the ABI, is a violation.
/// </summary>
public sealed class KdumpReader(AgentSpec spec, AgentContext context) : Agent(spec, context)
{
    public const string Name = "kdump-reader";

    private const string MemoryDirectory = "/sys/devices/system/memory";

    // The files it reads and the values the ABI allows in each.
    private static readonly ImmutableArray<(string File, Func<string, bool> Valid)> Files =
    [
        ("state", v => v is "online\n" or "offline\n" or "going-offline\n"),
        ("phys_index", v => v.Length == 9 && v.EndsWith('\n')),
    ];

    public override async ValueTask RunAsync()
    {
        for (int pass = 0; pass < 3; pass++)
        {
            if (Kernel.Sysfs.List(MemoryDirectory, out var names) != Errno.None)
            {
                Checks.ListFailed(MemoryDirectory, Step());
                return;
            }

            ReadBlocks(names);
            await Kernel.Scheduler.Point("kdump-reader pass");
        }
    }

    // One pass over the listed blocks (each path is built in one buffer).
    private void ReadBlocks(IReadOnlyList<string> names)
    {
        const string dir = MemoryDirectory + "/";
        Span<char> path = stackalloc char[128];
        dir.CopyTo(path);
        foreach (var name in names)
        {
            if (!name.StartsWith("memory", StringComparison.Ordinal) || name.Length <= 6 || !char.IsDigit(name[6]) || dir.Length + name.Length + 16 > path.Length)
            {
                continue;
            }

            name.CopyTo(path[dir.Length..]);
            path[dir.Length + name.Length] = '/';
            foreach (var (file, valid) in Files)
            {
                int length = dir.Length + name.Length + 1 + file.Length;
                file.CopyTo(path[(dir.Length + name.Length + 1)..]);
                var rc = Kernel.Sysfs.Read(path[..length], out var text);
                Checks.Read(name, file, rc, text, valid, Step());
            }
        }
    }
}
