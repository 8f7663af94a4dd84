namespace Daxplug.Kernel.Sysfs;

/// <summary>The "uevent" file every device has (drivers/base/core.c uevent_show/uevent_store).</summary>
public static class Uevent
{
    private static readonly string[] Actions = ["add", "remove", "change", "move", "online", "offline", "bind", "unbind"];

    /// <summary>A device's uevent file: reads its environment lines, a write synthesises the named event.</summary>
    public static KernfsAttribute File(KernelModel kernel, string devPath, string subsystem, Func<string>? env = null) =>
        KernfsAttribute.ReadWrite("uevent", env ?? (() => ""), buf => Synth(kernel, devPath, subsystem, buf));

    /// <summary>A bus's write-only uevent file (0200).</summary>
    public static KernfsAttribute WriteOnly(KernelModel kernel, string devPath, string subsystem) =>
        new("uevent", 0x80, null, buf => Synth(kernel, devPath, subsystem, buf));

    // Models kobject_synth_uevent(): the first word must be an action name, else EINVAL.
    private static Errno Synth(KernelModel kernel, string devPath, string subsystem, string buf)
    {
        var word = buf.TrimEnd('\n').Split(' ', 2)[0];
        if (!Actions.Contains(word))
        {
            return Errno.EINVAL;
        }

        kernel.Uevents.Emit(word, devPath, subsystem, ("SYNTH_UUID", "0"));
        return Errno.None;
    }
}
