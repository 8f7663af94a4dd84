using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Daxplug.Kernel;

namespace Daxplug.Fuse;

/// <summary>
/// Runs a command in the current (private, already unshared) mount namespace with the model as /sys,
/// /proc/iomem and /dev/daxR.N. The FUSE server lives in this process and its mounts in this namespace only, so
/// nothing is left mounted anywhere when the namespace's last process ends, whoever is killed first.
/// </summary>
public static class SimNamespace
{
    /// <summary>
    /// Sets up the namespace and runs <paramref name="command"/>; returns its exit code. The scaffolding (a
    /// private tmpfs on a temporary directory) is detached and the directory removed before the command starts:
    /// only the bind mounts over /sys, /proc/iomem and /dev remain, and only in this namespace.
    /// </summary>
    public static int Run(KernelModel kernel, IReadOnlyList<string> command, TextWriter log)
    {
        var root = Directory.CreateTempSubdirectory("daxplug-ns-").FullName;
        Check(Interop.Libc.Mount("daxplug", root, "tmpfs", 0, "mode=0700"), $"mount tmpfs on {root}");
        var fuse = Directory.CreateDirectory(Path.Combine(root, "fuse")).FullName;
        using var ready = new ManualResetEventSlim();
        int serverExit = -1;
        var server = new Thread(() => serverExit = FuseServer.Run(new ModelFileSystem(kernel), fuse, ready.Set))
        {
            IsBackground = true,
            Name = "daxplug-fuse",
        };
        server.Start();
        if (!ready.Wait(TimeSpan.FromSeconds(15)))
        {
            throw new IOException($"the FUSE server did not come up (exit {serverExit}); is /dev/fuse available?");
        }

        Check(Interop.Libc.Mount(Path.Combine(fuse, "sys"), "/sys", null, Interop.Libc.MsBind, null), "bind the model over /sys");
        Check(Interop.Libc.Mount(Path.Combine(fuse, "proc/iomem"), "/proc/iomem", null, Interop.Libc.MsBind, null), "bind over /proc/iomem");
        MountDev(kernel, Path.Combine(root, "dev"));
        // The binds keep the FUSE connection and the /dev tmpfs alive; the originals can go.
        Check(Interop.Libc.Umount2(root, MntDetach), $"detach {root}");
        Directory.Delete(root);
        return Exec(command, log);
    }

    // A tmpfs /dev that holds everything the real one has (each entry bind-mounted) plus a char device node for
    // every dax device with the model's major:minor.
    private static void MountDev(KernelModel kernel, string dev)
    {
        Directory.CreateDirectory(dev);
        Check(Interop.Libc.Mount("daxplug-dev", dev, "tmpfs", 0, "mode=0755"), "mount tmpfs for /dev");
        foreach (var entry in new DirectoryInfo("/dev").EnumerateFileSystemInfos())
        {
            var target = Path.Combine(dev, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
                continue;
            }

            if (entry is DirectoryInfo)
            {
                Directory.CreateDirectory(target);
            }
            else
            {
                File.WriteAllBytes(target, []);
            }

            // A device that vanished meanwhile is not worth failing for.
            _ = Interop.Libc.Mount(entry.FullName, target, null, Interop.Libc.MsBind | Interop.Libc.MsRec, null);
        }

        foreach (var d in kernel.Dax.Devices)
        {
            var node = Path.Combine(dev, d.Name);
            if (!File.Exists(node))
            {
                Check(Interop.Libc.Mknod(node, Interop.Libc.SIfChr | 0x180, Interop.Libc.MakeDev((uint)kernel.Dax.Major, (uint)d.Minor)), $"mknod {node}");
            }
        }

        Check(Interop.Libc.Mount(dev, "/dev", null, Interop.Libc.MsBind | Interop.Libc.MsRec, null), "bind the new /dev");
    }

    private const int MntDetach = 2;

    private static int Exec(IReadOnlyList<string> command, TextWriter log)
    {
        var psi = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var arg in command.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["DAXPLUG_SIM"] = "1";
        try
        {
            using var process = Process.Start(psi)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (Win32Exception e)
        {
            log.WriteLine($"daxplug: {command[0]}: {e.Message}");
            return 127;
        }
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }
}
