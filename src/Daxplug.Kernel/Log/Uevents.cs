namespace Daxplug.Kernel.Log;

/// <summary>A kobject uevent as the netlink socket delivers it: the action and its environment.</summary>
public sealed record Uevent(string Action, string DevPath, IReadOnlyDictionary<string, string> Env)
{
    public string Subsystem => Env.GetValueOrDefault("SUBSYSTEM", "");

    public override string ToString() =>
        $"{Action}@{DevPath} " + string.Join(' ', Env.Select(kv => $"{kv.Key}={kv.Value}"));
}

/// <summary>kobject_uevent_env() (lib/kobject_uevent.c): numbered events to whoever subscribed.</summary>
public sealed class UeventBus
{
    private readonly List<Action<Uevent>> subscribers = [];
    private long seqnum;

    /// <summary>Subscribes; the returned handle unsubscribes when disposed.</summary>
    public IDisposable Subscribe(Action<Uevent> handler)
    {
        lock (subscribers)
        {
            subscribers.Add(handler);
        }

        return new Subscription(this, handler);
    }

    /// <summary>Emits ACTION, DEVPATH, SUBSYSTEM, the extra keys, and SEQNUM, in the kernel's order.</summary>
    public void Emit(string action, string devPath, string subsystem, params (string Key, string Value)[] extra)
    {
        lock (subscribers)
        {
            if (subscribers.Count == 0)
            {
                // Nobody listens (a booting or lab kernel): the event only takes its sequence number.
                ++seqnum;
                return;
            }
        }

        var env = new Dictionary<string, string>
        {
            ["ACTION"] = action,
            ["DEVPATH"] = devPath,
            ["SUBSYSTEM"] = subsystem,
        };
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        Action<Uevent>[] targets;
        lock (subscribers)
        {
            env["SEQNUM"] = (++seqnum).ToString(System.Globalization.CultureInfo.InvariantCulture);
            targets = subscribers.ToArray();
        }

        var ev = new Uevent(action, devPath, env);
        foreach (var target in targets)
        {
            target(ev);
        }
    }

    private sealed class Subscription(UeventBus bus, Action<Uevent> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (bus.subscribers)
            {
                bus.subscribers.Remove(handler);
            }
        }
    }
}
