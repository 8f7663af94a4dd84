using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Numa;

/// <summary>/sys/devices/virtual/memory_tiering, /sys/bus/memory_tiering and /sys/kernel/mm/numa (mm/memory-tiers.c).</summary>
internal static class MemoryTierSysfs
{
    public static void Register(KernelModel kernel, KernfsDir sys)
    {
        sys.Dir("devices").Dir("virtual").Lazy("memory_tiering", tiering =>
        {
            tiering.Add(Uevent.File(kernel, "/devices/virtual/memory_tiering", "memory_tiering"));
            tiering.Add(new KernfsDir("power"));
            tiering.AddSource(KernfsSource.ById("memory_tier", () => kernel.Tiers.Tiers.Select(t => (long)t.Id), id => TierDir(kernel, id)));
        });

        sys.Dir("bus").Lazy("memory_tiering", bus =>
        {
            bus.Dir("devices").AddSource(KernfsSource.ById("memory_tier", () => kernel.Tiers.Tiers.Select(t => (long)t.Id),
                id => kernel.Tiers.TierById(id) is null ? null : new KernfsLink($"memory_tier{id}", $"../../../devices/virtual/memory_tiering/memory_tier{id}")));
            bus.Dir("drivers");
        });

        // Models demotion_enabled_show()/_store(): "true"/"false", kstrtobool.
        sys.Dir("kernel").Dir("mm").Dir("numa").Add(KernfsAttribute.ReadWrite("demotion_enabled",
            () => (kernel.Params.DemotionEnabled ? "true" : "false") + "\n",
            buf =>
            {
                var rc = SysfsText.KstrToBool(buf, out var value);
                if (rc == Errno.None)
                {
                    kernel.Params.DemotionEnabled = value;
                }

                return rc;
            }));
    }

    private static KernfsDir? TierDir(KernelModel kernel, long id)
    {
        var tier = kernel.Tiers.TierById(id);
        if (tier is null)
        {
            return null;
        }

        var dir = new KernfsDir($"memory_tier{id}");
        // Models nodelist_show(): "%*pbl\n" of get_memtier_nodemask().
        dir.Add(KernfsAttribute.ReadOnly("nodelist", () => KernelFormat.BitmapList(tier.Nodes) + "\n"));
        dir.Add(Uevent.File(kernel, $"/devices/virtual/memory_tiering/memory_tier{id}", "memory_tiering"));
        dir.Add(new KernfsLink("subsystem", "../../../../bus/memory_tiering"));
        dir.Add(new KernfsDir("power"));
        return dir;
    }
}
