namespace Daxplug.Control.Watch;

/// <summary>A kobject uevent as the kernel sends it on NETLINK_KOBJECT_UEVENT: "ACTION@DEVPATH\0KEY=VALUE\0…".</summary>
public sealed record UeventMessage(string Action, string DevPath, IReadOnlyDictionary<string, string> Env)
{
    public string Subsystem => Env.GetValueOrDefault("SUBSYSTEM", "");

    /// <summary>Parses one datagram; null for anything that is not a kernel uevent (e.g. udev's own "libudev" ones).</summary>
    public static UeventMessage? Parse(ReadOnlySpan<byte> datagram)
    {
        var parts = System.Text.Encoding.UTF8.GetString(datagram).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0].IndexOf('@') is var at && at <= 0)
        {
            return null;
        }

        var env = new Dictionary<string, string>();
        foreach (var kv in parts.Skip(1))
        {
            int eq = kv.IndexOf('=');
            if (eq > 0)
            {
                env[kv[..eq]] = kv[(eq + 1)..];
            }
        }

        return new UeventMessage(parts[0][..at], parts[0][(at + 1)..], env);
    }

    /// <summary>Whether this event can change what a policy wants done: a dax device or memory block appearing.</summary>
    public bool Relevant => (Subsystem, Action) is ("dax", "add" or "bind") or ("memory", "add");
}
