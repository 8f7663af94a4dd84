namespace Daxplug.Control.Watch;

/// <summary>
/// Waits for dax and memory add events and runs the policy once per burst: after a relevant event it waits until
/// no relevant event has come for <paramref name="settle"/>, so that a device's hundreds of block adds give one
/// apply, not hundreds.
/// </summary>
public sealed class Watcher(IUeventSource source, Action<IReadOnlyList<UeventMessage>> apply, TimeSpan settle, Func<DateTime>? clock = null)
{
    private readonly Func<DateTime> now = clock ?? (() => DateTime.UtcNow);

    public void Run(CancellationToken cancel)
    {
        var pending = new List<UeventMessage>();
        var last = DateTime.MinValue;
        while (!cancel.IsCancellationRequested)
        {
            var wait = pending.Count > 0 ? settle - (now() - last) : TimeSpan.FromMilliseconds(500);
            var message = source.Receive(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            if (message is { Relevant: true })
            {
                pending.Add(message);
                last = now();
            }

            if (pending.Count > 0 && now() - last >= settle)
            {
                apply(pending.ToList());
                pending.Clear();
            }
        }
    }
}
