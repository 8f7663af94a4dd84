using System.CommandLine;
using System.Runtime.InteropServices;
using Daxplug.Cli.CommandLine;
using Daxplug.Cli.Output;
using Daxplug.Control.Watch;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug watch": apply the policy on every burst of dax and memory uevents, until SIGINT/SIGTERM.</summary>
internal static class WatchVerb
{
    public static Command Build(SharedOptions o)
    {
        var settle = new Option<int>("--settle") { Description = "Milliseconds without new events before applying", DefaultValueFactory = _ => 1000, CustomParser = ValueParsers.Count(0) };
        var watch = o.ControllerVerb("watch", "Listen to the kernel's uevents (netlink) and apply the policy whenever dax devices or memory " +
                                              "blocks are added, once per burst; runs until SIGINT/SIGTERM. Acts on this machine's /sys only.");
        foreach (var option in o.Policy.All.Concat([settle, o.Yes, o.Recover]))
        {
            watch.Options.Add(option);
        }

        watch.SetAction(r =>
        {
            using var t = o.Target.Open(r);
            if (!t.Sysfs.IsHost)
            {
                throw new CliException("watch reacts to this kernel's events, so it acts on /sys only (not --sim or another --sysroot)", CliException.Usage);
            }

            var rules = o.Policy.Load(r);
            OutcomeReport.Confirm(t.Sysfs, r.GetValue(o.Yes), "watch");
            using var cancel = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
            using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cancel.Cancel(); });
            using var socket = new UeventSocket();
            Console.Out.WriteLine($"watching for dax and memory events ({rules.Count} rule(s))");
            if (PolicyOptions.ApplyOnce(t, rules, r.GetValue(o.Recover)) is { Refused: true } refused)
            {
                return refused.Code; // an interrupted transaction: watch does not start until it is recovered
            }

            new Watcher(socket, events => OnEvents(t, rules, r.GetValue(o.Recover), events), TimeSpan.FromMilliseconds(r.GetValue(settle))).Run(cancel.Token);
            return 0;
        });
        return watch;
    }

    private static void OnEvents(ControllerTarget t, List<Control.Policy.PolicyRule> rules, bool recover, IReadOnlyList<UeventMessage> events)
    {
        Console.Out.WriteLine($"{events.Count} event(s), first: {events[0].Action} {events[0].DevPath}");
        try
        {
            PolicyOptions.ApplyOnce(t, rules, recover);
        }
        catch (IOException e)
        {
            // Another daxplug held the lock too long, or sysfs failed: the next burst tries again.
            Console.Error.WriteLine($"daxplug: {e.Message}; trying again at the next event");
        }
    }
}
