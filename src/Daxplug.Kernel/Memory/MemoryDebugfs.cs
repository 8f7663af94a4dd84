using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Memory;

/// <summary>
/// Fault injection under /sys/kernel/debug: the kernel's notifier-error-inject/memory (lib/*notifier-error-inject.c)
/// and daxplug's own per-block faults under daxplug/memory/memoryN/.
/// </summary>
internal static class MemoryDebugfs
{
    private const int Mode0600 = 0x180;

    public static void Register(KernelModel kernel, KernfsDir sys)
    {
        sys.Dir("kernel").Lazy("debug", debug =>
        {
            var actions = debug.Dir("notifier-error-inject").Dir("memory").Dir("actions");
            var inject = kernel.NotifierInject;
            actions.Dir("MEM_GOING_ONLINE").Add(ErrnoFile("error", () => inject.GoingOnline, inject.SetGoingOnline));
            actions.Dir("MEM_GOING_OFFLINE").Add(ErrnoFile("error", () => inject.GoingOffline, inject.SetGoingOffline));

            var root = debug.Dir("daxplug");
            // The model's kernel log and a consistency check, for tools and tests outside the process.
            root.Add(KernfsAttribute.ReadOnly("dmesg", kernel.Log.Format, 0x100));
            root.Add(new KernfsAttribute("invariants", 0x100, () =>
            {
                var problems = Invariants.Check(kernel);
                return problems.Count == 0 ? "ok\n" : string.Concat(problems.Select(p => p + "\n"));
            }, (Func<string, Errno>?)null));
            var daxplug = root.Dir("memory");
            daxplug.AddSource(KernfsSource.ById("memory", () => kernel.Blocks.Ids(),
                id => kernel.Blocks.Find(id) is { } b ? BlockFaultDir(b) : null));
        });
    }

    // Models debugfs_errno_get()/_set() via DEFINE_SIMPLE_ATTRIBUTE_SIGNED: "%lld\n", kstrtoll base 0, clamped.
    private static KernfsAttribute ErrnoFile(string name, Func<int> get, Action<long> set) =>
        new(name, Mode0600, () => KernelFormat.Dec(get()) + "\n", buf =>
        {
            var rc = SysfsText.KstrToLong(buf, 0, long.MinValue, long.MaxValue, out var value);
            if (rc == Errno.None)
            {
                set(value);
            }

            return rc;
        });

    private static KernfsDir BlockFaultDir(MemoryBlock mem)
    {
        var f = mem.Faults;
        return new KernfsDir($"memory{mem.Id}")
            .Add(BoolFile("unmovable", () => f.Unmovable, v => f.Unmovable = v))
            .Add(BoolFile("signal_pending", () => f.SignalPending, v => f.SignalPending = v))
            .Add(BoolFile("hwpoison", () => f.HwPoison, v => f.HwPoison = v))
            .Add(ErrnoFile("going_offline_error", () => f.GoingOfflineError, v => f.GoingOfflineError = NotifierErrorInject.Clamp(v)))
            .Add(ErrnoFile("going_online_error", () => f.GoingOnlineError, v => f.GoingOnlineError = NotifierErrorInject.Clamp(v)))
            .Add(ErrnoFile("remove_error", () => f.RemoveError, v => f.RemoveError = NotifierErrorInject.Clamp(v)))
            .Add(new KernfsAttribute("slow_offline_steps", Mode0600, () => KernelFormat.Dec(f.SlowOfflineSteps) + "\n", buf =>
            {
                var rc = SysfsText.KstrToLong(buf, 0, 0, 1_000_000, out var value);
                if (rc == Errno.None)
                {
                    f.SlowOfflineSteps = (int)value;
                }

                return rc;
            }));
    }

    private static KernfsAttribute BoolFile(string name, Func<bool> get, Action<bool> set) =>
        new(name, Mode0600, () => (get() ? "1" : "0") + "\n", buf =>
        {
            var rc = SysfsText.KstrToBool(buf, out var value);
            if (rc == Errno.None)
            {
                set(value);
            }

            return rc;
        });
}
