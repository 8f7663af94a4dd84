using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Memory;

/// <summary>enum mmop (include/linux/memory_hotplug.h).</summary>
public enum OnlineType
{
    Offline = 0,
    Online = 1,
    OnlineKernel = 2,
    OnlineMovable = 3,
}

/// <summary>The one table that serves both directions, as online_type_to_str[] in mm/memory_hotplug.c.</summary>
public static class OnlineTypes
{
    private static readonly string[] Names = ["offline", "online", "online_kernel", "online_movable"];

    /// <summary>"offline", "online", "online_kernel" or "online_movable".</summary>
    public static string ToStr(OnlineType type) => Names[(int)type];

    // Models mhp_online_type_from_str() (mm/memory_hotplug.c): sysfs_streq against the table, else -EINVAL.
    public static OnlineType? FromStr(string buf)
    {
        int i = SysfsText.MatchString(Names, buf);
        return i < 0 ? null : (OnlineType)i;
    }
}

/// <summary>The memory block states of drivers/base/memory.c and their state_show() names.</summary>
public enum MemoryBlockState
{
    Online,
    GoingOffline,
    Offline,
}
