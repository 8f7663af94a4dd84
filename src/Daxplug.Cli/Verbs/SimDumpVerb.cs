using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Sim;

namespace Daxplug.Cli.Verbs;

/// <summary>"sim dump --out DIR": the simulated sysfs as plain files, for lsmem --sysroot and daxplug --sysroot.</summary>
internal static class SimDumpVerb
{
    public static Command Build(SimOptions o)
    {
        var outDir = new Option<string>("--out", "-o") { Description = "Directory to write the snapshot into (as DIR/sys)", HelpName = "DIR", Required = true };
        var dump = new Command("dump", "Write the simulated sysfs as plain files and symlinks (readable with lsmem --sysroot DIR and daxplug --sysroot DIR)");
        dump.Options.Add(outDir);
        dump.SetAction(r =>
        {
            var kernel = o.Open(r);
            var sys = Path.Combine(r.GetValue(outDir)!, "sys");
            if (Directory.Exists(sys) && Directory.EnumerateFileSystemEntries(sys).Any())
            {
                throw new CliException($"{sys} exists and is not empty");
            }

            int files = SysfsDump.Write(kernel.Sysfs, r.GetValue(outDir)!);
            Console.Out.WriteLine($"wrote {files} files to {sys}");
            return 0;
        });
        return dump;
    }
}
