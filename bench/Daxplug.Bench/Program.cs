using BenchmarkDotNet.Running;
using Daxplug.Bench;

// Whole-process scenarios print their own measurements; anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "hotplug64t" => Hotplug64T.Run(),
    "tib" => TibDevice.Run(),
    "lab" => LabSpeed.Run(only: args.Skip(1).FirstOrDefault()),
    "labparts" => LabParts.Run(args.Skip(1).FirstOrDefault() ?? "unplug-vs-udev-vs-kdump"),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(SysfsBench).Assembly).Run(args);
    return 0;
}
