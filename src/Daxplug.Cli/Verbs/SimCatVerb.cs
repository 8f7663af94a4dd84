using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Kernel;
using Daxplug.Kernel.Proc;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Cli.Verbs;

/// <summary>"sim cat PATH": an attribute, a directory's names, or a /proc file of the model.</summary>
internal static class SimCatVerb
{
    public static Command Build(SimOptions o)
    {
        var path = new Argument<string>("path") { Description = "A sysfs path (e.g. /sys/bus/dax/devices/dax0.0/state), or a /proc file of the model (/proc/iomem, /proc/meminfo, /proc/zoneinfo)" };
        var cat = new Command("cat", "Print a sysfs attribute of the simulated kernel (or list a directory)");
        cat.Arguments.Add(path);
        cat.SetAction(r => Cat(o.Open(r), r.GetValue(path)!));
        return cat;
    }

    private static int Cat(KernelModel kernel, string path)
    {
        if (path.StartsWith("/proc/", StringComparison.Ordinal) && ProcFiles.Show(kernel, path[6..]) is { } proc)
        {
            Console.Out.Write(proc);
            return 0;
        }

        if (kernel.Sysfs.Lookup(path, out var node) == Errno.None && node is KernfsDir)
        {
            kernel.Sysfs.List(path, out var names);
            Console.Out.Write(string.Concat(names.Select(n => n + "\n")));
            return 0;
        }

        var rc = kernel.Sysfs.Read(path, out var text);
        if (rc != Errno.None)
        {
            throw new CliException($"cat {path}: {ErrnoText.Describe(rc)} ({ErrnoText.Name(rc)})");
        }

        Console.Out.Write(text);
        return 0;
    }
}
