using System.Text;
using Daxplug.Control.Watch;

namespace Daxplug.Control.Tests;

public class WatchTests
{
    private static byte[] Datagram(string action, string devpath, string subsystem) =>
        Encoding.UTF8.GetBytes($"{action}@{devpath}\0ACTION={action}\0DEVPATH={devpath}\0SUBSYSTEM={subsystem}\0SEQNUM=7\0");

    [Fact]
    public void Parse_KernelUevent_AndRejectsLibudevMessages()
    {
        var m = UeventMessage.Parse(Datagram("add", "/devices/platform/hmem.1/dax1.0", "dax"))!;
        Assert.Equal(("add", "/devices/platform/hmem.1/dax1.0", "dax", "7"), (m.Action, m.DevPath, m.Subsystem, m.Env["SEQNUM"]));
        Assert.True(m.Relevant);
        Assert.False(UeventMessage.Parse(Datagram("online", "/devices/system/memory/memory9", "memory"))!.Relevant);
        Assert.Null(UeventMessage.Parse(Encoding.UTF8.GetBytes("libudev\0\u00fe\u00ed\u00ca\u00fe")));
    }

    [Fact]
    public void Watcher_AppliesOncePerBurst()
    {
        var clock = new DateTime(2026, 1, 1);
        var script = new Queue<UeventMessage?>();
        foreach (var b in new[] { 1024, 1025, 1026 })
        {
            script.Enqueue(UeventMessage.Parse(Datagram("add", $"/devices/system/memory/memory{b}", "memory")));
        }

        // An irrelevant event does not restart the wait; 400 ms per receive, so three quiet receives settle it.
        script.Enqueue(UeventMessage.Parse(Datagram("online", "/devices/system/memory/memory1024", "memory")));
        script.Enqueue(null);
        script.Enqueue(null);
        script.Enqueue(UeventMessage.Parse(Datagram("bind", "/devices/platform/hmem.1/dax1.0", "dax")));
        script.Enqueue(null);
        using var cancel = new CancellationTokenSource();
        var source = new ScriptedSource(script, () => clock = clock.AddMilliseconds(400), cancel);
        var bursts = new List<int>();
        new Watcher(source, events => bursts.Add(events.Count), TimeSpan.FromSeconds(1), () => clock).Run(cancel.Token);
        Assert.Equal([3, 1], bursts);
    }

    [Fact]
    public void UeventSocket_OpensAndTimesOut()
    {
        using var socket = new UeventSocket();
        var started = DateTime.UtcNow;
        // Real host events may arrive; what matters is that Receive returns within its timeout plus a little.
        socket.Receive(TimeSpan.FromMilliseconds(200));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    /// <summary>Plays a list of events; each receive advances the clock; stops when the list is done.</summary>
    private sealed class ScriptedSource(Queue<UeventMessage?> script, Action tick, CancellationTokenSource done) : IUeventSource
    {
        public UeventMessage? Receive(TimeSpan timeout)
        {
            tick();
            if (script.Count == 0)
            {
                tick();
                tick();
                done.Cancel();
                return null;
            }

            return script.Dequeue();
        }

        public void Dispose()
        {
        }
    }
}
