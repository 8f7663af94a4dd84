using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Memory;

/// <summary>/sys/module/memory_hotplug/parameters (mm/memory_hotplug.c module_param*, kernel/params.c).</summary>
internal static class ModuleParamSysfs
{
    public static void Register(KernelModel kernel, KernfsDir sys)
    {
        var p = kernel.Params;
        sys.Dir("module").Lazy("memory_hotplug", module =>
        {
            module.Add(Uevent.File(kernel, "/module/memory_hotplug", "module"));
            var parameters = module.Dir("parameters");
            // Models param_set_online_policy(): sysfs_match_string, else EINVAL.
            parameters.Add(KernfsAttribute.ReadWrite("online_policy",
                () => HotplugParams.OnlinePolicyNames[(int)p.OnlinePolicy] + "\n",
                buf =>
                {
                    int i = SysfsText.MatchString(HotplugParams.OnlinePolicyNames, buf);
                    if (i < 0)
                    {
                        return (Errno)(-i);
                    }

                    p.OnlinePolicy = (OnlinePolicy)i;
                    return Errno.None;
                }));
            // Models param_set_uint()/param_get_uint(): kstrtouint base 0, "%u\n".
            parameters.Add(KernfsAttribute.ReadWrite("auto_movable_ratio",
                () => KernelFormat.Dec(p.AutoMovableRatio) + "\n",
                buf =>
                {
                    var rc = SysfsText.KstrToUint(buf, 0, out var value);
                    if (rc == Errno.None)
                    {
                        p.AutoMovableRatio = value;
                    }

                    return rc;
                }));
            // Models param_set_bool()/param_get_bool(): kstrtobool, "Y\n"/"N\n".
            parameters.Add(KernfsAttribute.ReadWrite("auto_movable_numa_aware",
                () => (p.AutoMovableNumaAware ? "Y" : "N") + "\n",
                buf =>
                {
                    var rc = SysfsText.KstrToBool(buf, out var value);
                    if (rc == Errno.None)
                    {
                        p.AutoMovableNumaAware = value;
                    }

                    return rc;
                }));
            // memmap_on_memory is 0444: set at boot only.
            parameters.Add(KernfsAttribute.ReadOnly("memmap_on_memory", () => p.MemmapOnMemory + "\n"));
        });
    }
}
