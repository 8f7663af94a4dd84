using Daxplug.Control.Discovery;
using Daxplug.Control.Sysfs;
using Daxplug.Control.Transitions;

namespace Daxplug.Control.Policy;

/// <summary>Converges every device a rule selects (the first rule that matches wins); idempotent.</summary>
public sealed class Apply(ISysfs sysfs, Controller controller)
{
    /// <summary>What an outcome about no one device (a refusal, a recovery) is listed under.</summary>
    public const string Everything = "*";

    /// <summary>One outcome per device a rule selects, all under one hold of the lock; or one refusal
    /// (<see cref="Everything"/>) when an interrupted transaction is pending.</summary>
    public List<(string Device, Outcome Outcome)> Run(IReadOnlyList<PolicyRule> rules)
    {
        var results = new List<(string, Outcome)>();
        using var held = controller.Hold(out var refusal, out var recovered);
        if (held is null)
        {
            return [(Everything, refusal!)];
        }

        if (recovered is not null)
        {
            results.Add((Everything, recovered));
        }

        foreach (var dev in Discover.Run(sysfs).Devices)
        {
            if (rules.FirstOrDefault(r => r.Matches(dev)) is not { } rule)
            {
                continue;
            }

            var reconfigure = new Reconfigure(sysfs, controller);
            Outcome outcome;
            if (rule.Mode == "devdax")
            {
                outcome = dev.Driver == "device_dax" ? new Outcome(OutcomeCode.Done, $"{dev.Name}: already devdax", []) : reconfigure.ToDevdaxHeld(dev.Name, force: true);
            }
            else if (dev.Driver != "kmem" && (rule.Mode == "system-ram" || (rule.State is not null && rule.State != DeviceState.Unplugged)))
            {
                bool online = rule.State is not null && rule.State != DeviceState.Unplugged;
                outcome = reconfigure.ToSystemRamHeld(dev.Name, online, movable: rule.State != DeviceState.Online && rule.State != DeviceState.OnlineKernel, force: true);
                if (outcome.Code == OutcomeCode.Done && rule.State == DeviceState.OnlineKernel)
                {
                    outcome = controller.SetHeld(dev.Name, rule.State);
                }
            }
            else
            {
                outcome = rule.State is { } state ? controller.SetHeld(dev.Name, state) : new Outcome(OutcomeCode.Done, $"{dev.Name}: nothing to do", []);
            }

            results.Add((dev.Name, outcome with { Message = $"{outcome.Message} [{rule.Source}]" }));
        }

        return results;
    }
}
