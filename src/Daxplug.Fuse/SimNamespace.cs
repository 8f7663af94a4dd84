using System.ComponentModel;
using System.Diagnostics;
using Daxplug.Kernel;
using Daxplug.Kernel.Proc;

namespace Daxplug.Fuse;

/// <summary>
/// Runs a command in the current (private, already unshared) mount namespace with the model as /sys, its /proc
/// files (iomem, meminfo, zoneinfo), /dev/kmsg and /dev/daxR.N. The FUSE server lives in this process and its
/// mounts in this namespace only, so nothing is left mounted anywhere when the namespace's last process ends, whoever is killed first. The command
/// runs in a PID namespace of its own whose init dies with this process (PR_SET_PDEATHSIG through setpriv and
/// unshare --kill-child), and every process in it with its init: a killed server leaves no command behind.
/// </summary>
public static class SimNamespace
{
    // The command's own namespace: a /proc of its PID namespace, the model bound over /sys, its /proc files and /dev,
    // the scaffolding detached (then the server is told through the FIFO $1/ready that it may remove it), then the
    // command as a child of this shell, which is the namespace's init (a command that is not PID 1 keeps the
    // usual signal semantics: Ctrl-C ends it). Before /sys is covered, debugfs is mounted on the real
    // /sys/kernel/debug if it is not there, so that the mount table lists it (`mount -t debugfs`, as the selftests
    // look for it) while the path leads into the model's; /proc/sys and /proc/sysrq-trigger are read-only.
    // $1 is the scaffolding directory; the command follows.
    private static readonly string ChildSetup =
        "set -e; mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug || true; " +
        "mount --bind \"$1/fuse/sys\" /sys; " +
        string.Concat(ProcFiles.Names.Select(f => $"mount --bind \"$1/fuse/proc/{f}\" /proc/{f}; ")) +
        "mount --bind /proc/sys /proc/sys; mount -o remount,bind,ro /proc/sys; " +
        "if [ -e /proc/sysrq-trigger ]; then mount --bind /dev/null /proc/sysrq-trigger; mount -o remount,bind,ro /proc/sysrq-trigger; fi; " +
        "mount --rbind \"$1/dev\" /dev; exec 3> \"$1/ready\"; umount -l \"$1\"; echo >&3; exec 3>&-; shift; set +e; \"$@\"";

    // What the command may not do to the host at all: load or unload modules (the selftests modprobe
    // memory-notifier-error-inject; the model's is always there) or read-and-clear the kernel's log (dmesg -C).
    private const string DroppedCapabilities = "-sys_module,-syslog";

    /// <summary>Whether this process runs as root (sim exec mounts, so it must).</summary>
    public static bool IsRoot => Interop.Libc.GetEUid() == 0;

    /// <summary>
    /// Whether this process's parent is still <paramref name="pid"/>: a child started with PR_SET_PDEATHSIG checks
    /// it once, for a parent that died before the death signal was armed.
    /// </summary>
    public static bool ParentIs(int pid) => Interop.Libc.GetPPid() == pid;

    /// <summary>
    /// The arguments that tie a child's life to its parent's: setpriv arms PR_SET_PDEATHSIG (SIGKILL), which
    /// survives the exec of unshare and of what it runs. The signal comes when the thread that forked the child
    /// ends, not the process: both callers start their child from the main thread, which lives as long as they do.
    /// </summary>
    public static IEnumerable<string> DieWithParent() => [Tool("setpriv"), "--pdeathsig", "KILL", "--"];

    /// <summary>A util-linux program by name: /usr/bin, then /bin, else the name for $PATH.</summary>
    public static string Tool(string name) => new[] { $"/usr/bin/{name}", $"/bin/{name}" }.FirstOrDefault(File.Exists) ?? name;

    /// <summary>
    /// Sets up the model on a private tmpfs (FUSE mount and a /dev) and runs <paramref name="command"/> in a
    /// further mount namespace of its own where they are bound over /sys, /proc/iomem and /dev; returns its exit
    /// code. The server's own /sys stays the real one: the runtime reads /sys (cgroup memory figures at every
    /// GC, while managed threads are stopped), and a server reading its own FUSE mount then would wait for itself.
    /// Once the command's binds are made, the scaffolding is detached and its directory removed, so that even a
    /// server killed with SIGKILL leaves nothing behind; the binds keep the FUSE connection alive.
    /// </summary>
    public static int Run(KernelModel kernel, IReadOnlyList<string> command, TextWriter log)
    {
        // Once the FUSE server runs, this process is in / (libfuse changes directory): the command runs where the
        // caller was.
        var cwd = Environment.CurrentDirectory;
        var root = Directory.CreateTempSubdirectory("daxplug-ns-").FullName;
        Check(Interop.Libc.Mount("daxplug", root, "tmpfs", 0, "mode=0700"), $"mount tmpfs on {root}");
        try
        {
            var fuse = Directory.CreateDirectory(Path.Combine(root, "fuse")).FullName;
            using var ready = new ManualResetEventSlim();
            using var stopped = new ManualResetEventSlim();
            int serverExit = -1;
            Exception? serverError = null;
            var server = new Thread(() =>
            {
                try
                {
                    serverExit = FuseServer.Run(new ModelFileSystem(kernel), fuse, ready.Set);
                }
                catch (Exception e)
                {
                    serverError = e;
                }
                finally
                {
                    stopped.Set();
                }
            })
            {
                IsBackground = true,
                Name = "daxplug-fuse",
            };
            server.Start();
            if (WaitHandle.WaitAny([ready.WaitHandle, stopped.WaitHandle], TimeSpan.FromSeconds(15)) != 0)
            {
                throw serverError as IOException ?? new IOException($"the FUSE server did not come up (exit {serverExit}{(serverError is null ? "" : ": " + serverError.Message)}); is /dev/fuse available?");
            }

            MountDev(kernel, Path.Combine(root, "dev"), fuse);
            Check(Interop.Libc.Mknod(Path.Combine(root, "ready"), Interop.Libc.SIfIfo | 0x180, 0), "mkfifo ready");
            using var devFd = Interop.Libc.Open(Path.Combine(root, "dev"), Interop.Libc.ODirectory | Interop.Libc.OPath | Interop.Libc.OCloexec);
            if (devFd.IsInvalid)
            {
                throw ErrnoException.FromLastErrno("open the namespace's /dev");
            }

            using var nodes = kernel.Uevents.Subscribe(e => DevNode(kernel, devFd, e));
            return Exec(root, cwd, command, log, () => RemoveScaffolding(root));
        }
        finally
        {
            RemoveScaffolding(root);
        }
    }

    // Detach the tmpfs (lazily: the FUSE mount under it goes with it) and remove its directory; idempotent.
    private static void RemoveScaffolding(string root)
    {
        _ = Interop.Libc.Umount2(root, Interop.Libc.MntDetach);
        try
        {
            Directory.Delete(root);
        }
        catch (IOException)
        {
        }
    }

    // A tmpfs /dev that holds everything the real one has (each entry bind-mounted) but the host's kmsg and dax
    // devices, plus the model's /dev/kmsg (its log: dmesg reads it) and a char device node for every dax device
    // with the model's major:minor.
    private static void MountDev(KernelModel kernel, string dev, string fuse)
    {
        // nodev: the model's /dev/daxR.N carry its major:minor (libdaxctl stats them and follows /sys/dev/char),
        // but opening one must never reach a driver of the host that has that number.
        Directory.CreateDirectory(dev);
        Check(Interop.Libc.Mount("daxplug-dev", dev, "tmpfs", Interop.Libc.MsNodev, "mode=0755"), "mount tmpfs for /dev");
        foreach (var entry in new DirectoryInfo("/dev").EnumerateFileSystemInfos())
        {
            // The host's own dax devices and log stay out: inside, /dev/daxR.N and /dev/kmsg are the model's.
            if (IsDaxDeviceName(entry.Name) || entry.Name == "kmsg")
            {
                continue;
            }

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

        var kmsg = Path.Combine(dev, "kmsg");
        File.WriteAllBytes(kmsg, []);
        Check(Interop.Libc.Mount(Path.Combine(fuse, "dev", "kmsg"), kmsg, null, Interop.Libc.MsBind, null), "bind the model's /dev/kmsg");
        foreach (var d in kernel.Dax.Devices)
        {
            var node = Path.Combine(dev, d.Name);
            Check(Interop.Libc.Mknod(node, Interop.Libc.SIfChr | 0x180, Interop.Libc.MakeDev((uint)kernel.Dax.Major, (uint)d.Minor)), $"mknod {node}");
        }
    }

    // What devtmpfs does at device_add()/device_del() of a dax device (devtmpfs_create_node/_delete_node): its
    // node appears and goes in the namespace's /dev (reached through a descriptor: the scaffolding is detached).
    private static void DevNode(KernelModel kernel, SafeFdHandle devFd, Kernel.Log.Uevent e)
    {
        if (e.Env.GetValueOrDefault("SUBSYSTEM") != "dax" || e.DevPath[(e.DevPath.LastIndexOf('/') + 1)..] is not { } name || !IsDaxDeviceName(name))
        {
            return;
        }

        try
        {
            if (e.Action == "add" && uint.TryParse(e.Env.GetValueOrDefault("MINOR"), System.Globalization.CultureInfo.InvariantCulture, out var minor))
            {
                _ = Interop.Libc.MknodAt(devFd, name, Interop.Libc.SIfChr | 0x180, Interop.Libc.MakeDev((uint)kernel.Dax.Major, minor));
            }
            else if (e.Action == "remove")
            {
                _ = Interop.Libc.UnlinkAt(devFd, name, 0);
            }
        }
        catch (ObjectDisposedException)
        {
            // An event that came while the command ended: its /dev is gone with it.
        }
    }

    // "daxR.N", the name of a device-DAX char device.
    private static bool IsDaxDeviceName(string name) =>
        name.StartsWith("dax", StringComparison.Ordinal) && name[3..].Split('.') is [{ Length: > 0 } r, { Length: > 0 } n]
        && r.All(char.IsAsciiDigit) && n.All(char.IsAsciiDigit);

    private static int Exec(string root, string cwd, IReadOnlyList<string> command, TextWriter log, Action boundInChild)
    {
        if (!Runnable(command[0]))
        {
            log.WriteLine($"daxplug: {command[0]}: command not found");
            return 127;
        }

        var args = DieWithParent().SkipLast(1).Concat(["--bounding-set", DroppedCapabilities, "--", Tool("unshare"), "--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "--propagation", "private", "--",
            "/bin/sh", "-c", ChildSetup, "daxplug-sim", root]).Concat(command).ToList();
        var psi = new ProcessStartInfo(args[0]) { UseShellExecute = false, WorkingDirectory = cwd };
        foreach (var arg in args.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["DAXPLUG_SIM"] = "1";
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (Win32Exception e)
        {
            log.WriteLine($"daxplug: {args[0]}: {e.Message}");
            return 127;
        }

        using (process)
        {
            // The child writes a line to the FIFO once its binds are made; if it dies first, open the FIFO for
            // writing ourselves so that the reader's open returns.
            var fifo = Path.Combine(root, "ready");
            var ready = Task.Run(() => File.ReadAllText(fifo));
            while (!ready.Wait(50))
            {
                if (process.HasExited)
                {
                    using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
                    {
                    }

                    break;
                }
            }

            ready.Wait();
            boundInChild();
            process.WaitForExit();
            return process.ExitCode;
        }
    }

    // What execvp would find: a path to an existing file, or a name on $PATH.
    private static bool Runnable(string name) =>
        name.Contains('/', StringComparison.Ordinal)
            ? File.Exists(name)
            : (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => File.Exists(Path.Combine(dir, name)));

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw ErrnoException.FromLastErrno(what);
        }
    }
}
