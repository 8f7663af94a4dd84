using System.CommandLine;
using System.Runtime.InteropServices;
using Daxplug.Cli.CommandLine;
using Daxplug.Fuse;

namespace Daxplug.Cli.Verbs;

/// <summary>"sim serve --mount DIR": the simulated kernel over FUSE until SIGINT/SIGTERM.</summary>
internal static class SimServeVerb
{
    public static Command Build(SimOptions o)
    {
        var mount = new Option<string>("--mount") { Description = "An empty directory to mount the model on (DIR/sys, DIR/proc/{iomem,meminfo,zoneinfo}, DIR/dev/kmsg)", Required = true };
        var serve = new Command("serve", "Serve the simulated kernel over FUSE until SIGINT/SIGTERM; prints 'mounted DIR' when ready.\n\n" +
                                         "Example:\n  daxplug sim serve --mount /tmp/m &   lsmem --sysroot /tmp/m   kill %1");
        serve.Options.Add(mount);
        serve.SetAction(r => Serve(r, o, Path.TrimEndingDirectorySeparator(Path.GetFullPath(r.GetValue(mount)!))));
        return serve;
    }

    // Mounts the model on dir and serves it until an unmount or a signal; the kernel is saved when it ends.
    private static int Serve(ParseResult r, SimOptions o, string dir)
    {
        if (!Directory.Exists(dir))
        {
            throw new CliException($"--mount {dir}: no such directory", CliException.Usage);
        }

        if (FuseServer.IsServing(dir))
        {
            throw new CliException($"--mount {dir}: another daxplug already serves a model there", CliException.Usage);
        }

        var (kernel, held) = o.OpenToChange(r);
        using var _ = held;
        // The runtime, not libfuse, gets SIGINT/SIGTERM: turn them into an unmount, which ends the loop. One
        // that comes before the mount is made unmounts as soon as it is.
        var stop = new ServeStop(dir);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, stop.Signal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, stop.Signal);
        int rc;
        // Unmounts DIR if this process dies without doing it itself (kill -9), beside auto_unmount.
        using var watchdog = MountWatchdog.Start(dir);
        try
        {
            rc = FuseServer.Run(new ModelFileSystem(kernel), dir, () =>
            {
                Console.Out.WriteLine($"mounted {dir}");
                stop.Mounted();
            }, autoUnmount: true);
        }
        finally
        {
            // Whatever ended the loop, the model is not left mounted on DIR.
            FuseServer.Unmount(dir);
            watchdog.Kill(entireProcessTree: true);
        }

        o.Save(kernel, r);
        // fuse_main_real: 0 after an unmount, 8 after SIGINT/SIGTERM; anything else is a failure to mount.
        return rc is 0 or 8 ? 0 : throw new CliException($"could not serve on {dir} (libfuse exit {rc})");
    }
}
