using System.CommandLine;
using Daxplug.Cli.CommandLine;
using Daxplug.Cli.Output;

namespace Daxplug.Cli.Verbs;

/// <summary>"daxplug apply": converge every device a policy selects; idempotent.</summary>
internal static class ApplyVerb
{
    public static Command Build(SharedOptions o)
    {
        var apply = o.ControllerVerb("apply", "Converge every device a policy selects to its desired mode and state; idempotent.\n\n" +
                                              "Policy file: [device] sections with selectors name (glob), region, resource, target_node, size and\n" +
                                              "the desired mode (system-ram, devdax) and state (unplugged, online, online_kernel, online_movable), e.g.\n" +
                                              "  [device]\n  target_node = 3\n  state = online_movable");
        foreach (var option in o.Policy.All.Concat([o.Yes, o.Recover]))
        {
            apply.Options.Add(option);
        }

        apply.SetAction(r =>
        {
            var rules = o.Policy.Load(r);
            using var t = o.Target.Open(r, writes: true);
            if (rules.Count == 0)
            {
                Console.Out.WriteLine("no policy: nothing to apply");
                return 0;
            }

            OutcomeReport.Confirm(t.Sysfs, r.GetValue(o.Yes), "apply");
            return PolicyOptions.ApplyOnce(t, rules, r.GetValue(o.Recover)).Code;
        });
        return apply;
    }
}
