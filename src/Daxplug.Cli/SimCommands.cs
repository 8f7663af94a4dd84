using System.CommandLine;
using System.Text;
using Daxplug.Kernel;
using Daxplug.Kernel.Proc;
using Daxplug.Kernel.Machines;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Cli;

/// <summary>The "sim" verbs: look at and poke the simulated kernel in process.</summary>
internal static class SimCommands
{
    public static Command Build()
    {
        var o = new SimOptions();
        var sim = new Command("sim", "The simulated kernel: its sysfs, read and written in process.\n\n" +
                                     "Examples:\n  daxplug sim show\n  daxplug sim cat /sys/devices/system/memory/memory40/valid_zones\n" +
                                     "  daxplug sim --state /tmp/k.json write /sys/devices/system/memory/memory40/state offline\n" +
                                     "  daxplug sim dump --machine host --out /tmp/snap && lsmem --sysroot /tmp/snap");
        foreach (var option in o.All)
        {
            sim.Options.Add(option);
        }

        var show = new Command("show", "Summarize the machine: nodes, memory blocks by state and zone, memory tiers");
        show.SetAction(r =>
        {
            Console.Out.Write(SimShow.Render(o.Open(r)));
            return 0;
        });

        var pathArg = new Argument<string>("path") { Description = "A sysfs path (e.g. /sys/bus/dax/devices/dax0.0/state), or a /proc file of the model (/proc/iomem, /proc/meminfo, /proc/zoneinfo)" };
        var cat = new Command("cat", "Print a sysfs attribute of the simulated kernel (or list a directory)");
        cat.Arguments.Add(pathArg);
        cat.SetAction(r => Cat(o.Open(r), r.GetValue(pathArg)!));

        var writePath = new Argument<string>("path") { Description = "A writable sysfs attribute" };
        var value = new Argument<string>("value") { Description = "The text to write (a newline is added unless -n)" };
        var noNewline = new Option<bool>("-n") { Description = "Do not append a newline (like echo -n)" };
        var write = new Command("write", "Write a value to a sysfs attribute, as 'echo VALUE > PATH' would; with --state the change is kept");
        write.Arguments.Add(writePath);
        write.Arguments.Add(value);
        write.Options.Add(noNewline);
        write.SetAction(r =>
        {
            var path = r.GetValue(writePath)!;
            var text = r.GetValue(value)! + (r.GetValue(noNewline) ? "" : "\n");
            var (kernel, held) = o.OpenToChange(r);
            int rc;
            using (held)
            {
                rc = kernel.Sysfs.Write(path, Encoding.Latin1.GetBytes(text));
                o.Save(kernel, r);
            }

            if (rc < 0)
            {
                throw new CliException($"write {path}: {ErrnoText.Describe((Errno)(-rc))} ({ErrnoText.Name((Errno)(-rc))})");
            }

            return 0;
        });

        var outDir = new Option<string>("--out", "-o") { Description = "Directory to write the snapshot into (as DIR/sys)", Required = true };
        var dump = new Command("dump", "Write the simulated sysfs as plain files and symlinks (readable with lsmem --sysroot DIR)");
        dump.Options.Add(outDir);
        dump.SetAction(r =>
        {
            var kernel = o.Open(r);
            var dir = r.GetValue(outDir)!;
            if (Directory.Exists(Path.Combine(dir, "sys")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "sys")).Any())
            {
                throw new CliException($"{Path.Combine(dir, "sys")} exists and is not empty");
            }

            int files = SysfsDump.Write(kernel.Sysfs, dir);
            Console.Out.WriteLine($"wrote {files} files to {Path.Combine(dir, "sys")}");
            return 0;
        });

        var describe = new Command("machine", "Print the machine description as JSON (e.g. to edit a copy of 'host')");
        describe.SetAction(r =>
        {
            Console.Out.WriteLine(BuiltinMachines.ToJson(o.Open(r).Machine));
            return 0;
        });

        var dmesg = new Command("dmesg", "Print the simulated kernel's log (what dmesg would show)");
        dmesg.SetAction(r =>
        {
            Console.Out.Write(o.Open(r).Log.Format());
            return 0;
        });

        foreach (var c in new[] { show, cat, write, dump, describe, dmesg }.Concat(SimLiveCommands.Build(o)))
        {
            sim.Subcommands.Add(c);
        }

        return sim;
    }

    private static int Cat(KernelModel kernel, string path)
    {
        if (path.StartsWith("/proc/", StringComparison.Ordinal) && ProcFiles.Show(kernel, path[6..]) is { } proc)
        {
            Console.Out.Write(proc);
            return 0;
        }

        var rc = kernel.Sysfs.Lookup(path, out var node);
        if (rc == Errno.None && node is KernfsDir)
        {
            kernel.Sysfs.List(path, out var names);
            foreach (var name in names)
            {
                Console.Out.WriteLine(name);
            }

            return 0;
        }

        rc = kernel.Sysfs.Read(path, out var text);
        if (rc != Errno.None)
        {
            throw new CliException($"cat {path}: {ErrnoText.Describe(rc)} ({ErrnoText.Name(rc)})");
        }

        Console.Out.Write(text);
        return 0;
    }
}
