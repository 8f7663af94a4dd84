using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Cli.Output;
using Daxplug.Control.Transitions;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug set DEVICE STATE": a whole device to a state, atomically.</summary>
internal static class SetVerb
{
    public static Command Build(SharedOptions o)
    {
        var device = o.Device("The dax device (dax0.0)", optional: false);
        var state = SharedOptions.State();
        var set = o.ControllerVerb("set", "Move a whole device to a state, atomically: with the kernel's attribute when it has one, else as a " +
                                          "locked, journalled per-block transaction that rolls back on any failure or interference. The verdict is " +
                                          "read back from sysfs after the change. A transaction that was killed half way leaves its journal, which " +
                                          "blocks every change until 'daxplug recover' (or --recover) has dealt with it.\n" +
                                          "Exit codes: 0 done, 1 failed or refused (nothing changed), 2 usage, 3 failed and not fully rolled back " +
                                          "(the message says which blocks are where).\n\n" +
                                          "Examples:\n  daxplug --sim set dax1.0 online_movable\n  daxplug set dax0.0 unplugged --dry-run");
        set.Arguments.Add(device);
        set.Arguments.Add(state);
        foreach (var option in new Option[] { o.DryRun, o.Yes, o.Recover })
        {
            set.Options.Add(option);
        }

        set.SetAction(r =>
        {
            var (name, target) = (r.GetValue(device)!, r.GetValue(state)!);
            if (r.GetValue(o.DryRun))
            {
                using var look = o.Target.Open(r);
                var plan = look.Controller().Plan(name, target);
                if (plan.Code == OutcomeCode.Done && look.Controller().PendingNote() is { } pending)
                {
                    plan = plan with { Message = $"{plan.Message}; but {pending.What}" };
                }

                return OutcomeReport.Print(plan);
            }

            using var t = o.Target.Open(r, writes: true);
            OutcomeReport.Confirm(t.Sysfs, r.GetValue(o.Yes), $"set {name} {target}");
            return OutcomeReport.Print(t.Controller(r.GetValue(o.Recover)).Set(name, target));
        });
        return set;
    }
}
