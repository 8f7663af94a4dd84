using Daxplug.Control.Discovery;
using Daxplug.Control.Sysfs;

namespace Daxplug.Control.Transitions;

/// <summary>
/// Moves whole devices: with the kernel's attribute when there is one (its own vocabulary, verified afterwards,
/// unplug preceded by a verified per-block offline so that no revision can half-remove a device), otherwise as a
/// locked, journalled per-block transaction with rollback; unplug then unbinds kmem.
/// </summary>
public sealed class Controller(ISysfs sysfs, StateDir stateDir, Action<int, int>? progress = null)
{
    public static readonly string[] Targets = ["unplugged", "online", "online_kernel", "online_movable"];

    /// <summary>What "set" would do, without doing it.</summary>
    public Outcome Plan(string device, string target)
    {
        if (Validate(device, target, out var dev) is { } bad)
        {
            return bad;
        }

        dev = Get(device);
        var how = dev.Attribute is { } a
            ? $"write '{a.WordFor(target) ?? "?"}' to {dev.SysPath}/{a.File}" + (target == "unplugged" ? " after offlining its blocks one by one" : "")
            : target == "unplugged" ? $"offline {dev.OnlineBlocks} block(s), then unbind {dev.Name} from kmem"
            : $"bring {dev.Blocks.Count(b => !BlockTransaction.Satisfies(new BlockSnapshot(b.Id, b.Online, b.Zone), target))} of {dev.Blocks.Count} block(s) to {target}";
        return new Outcome(OutcomeCode.Done, $"{dev.Name}: {dev.State} -> {target}: would {how}", []);
    }

    public Outcome Set(string device, string target)
    {
        if (Validate(device, target, out var dev) is { } bad)
        {
            return bad;
        }

        using var _ = stateDir.Lock(TimeSpan.FromSeconds(30));
        dev = Get(device);
        if (Matches(dev, target))
        {
            return new Outcome(OutcomeCode.Done, $"{dev.Name}: already {dev.State}", []);
        }

        stateDir.Write(new JournalRecord(sysfs.Describe, dev.Name, target, DateTimeOffset.UtcNow,
            dev.Blocks.Select(b => new BlockSnapshot(b.Id, b.Online, b.Zone)).ToList()));
        // The journal stays if this process dies (or throws) half way: "daxplug recover" finds it.
        var outcome = dev.Attribute is not null ? WithAttribute(dev, target) : PerBlock(dev, target);
        stateDir.Clear();
        return outcome;
    }

    /// <summary>Rolls back a transaction a crash left in the journal.</summary>
    public Outcome Recover()
    {
        using var _ = stateDir.Lock(TimeSpan.FromSeconds(30));
        if (stateDir.Read() is not { } journal)
        {
            return new Outcome(OutcomeCode.Done, "nothing to recover", []);
        }

        var txn = new BlockTransaction(sysfs, progress);
        var failed = txn.Restore(journal.Blocks);
        if (failed.Count > 0)
        {
            return new Outcome(OutcomeCode.Stranded, $"{journal.Device}: could not restore: {string.Join("; ", failed)}", txn.Steps);
        }

        stateDir.Clear();
        var dev = Discover.Device(sysfs, journal.Device, Discover.Detail.States);
        return new Outcome(OutcomeCode.Done, $"{journal.Device}: rolled back the interrupted '{journal.Target}' ({txn.Steps.Count} block(s) restored); now {dev?.State ?? "gone"}", txn.Steps);
    }

    private Outcome? Validate(string device, string target, out DeviceInfo? dev)
    {
        dev = null;
        if (!Targets.Contains(target))
        {
            return Outcome.Usage($"unknown state '{target}' (one of: {string.Join(", ", Targets)})");
        }

        dev = Discover.Device(sysfs, device, Discover.Detail.None);
        if (dev is null)
        {
            return Outcome.Usage($"no dax device '{device}' in {sysfs.Describe}");
        }

        if (dev.Driver != "kmem" && !(target == "unplugged" && Get(device).Blocks.Count == 0))
        {
            return new Outcome(OutcomeCode.RolledBack, $"{dev.Name} is not bound to kmem ({dev.Driver ?? "no driver"}); use 'daxplug reconfigure {dev.Name} --mode system-ram' first", []);
        }

        if (dev.Attribute is { } a && a.WordFor(target) is null)
        {
            return new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: this kernel's '{a.File}' attribute has no '{target}'", []);
        }

        return null;
    }

    private DeviceInfo Get(string name) => Discover.Device(sysfs, name, Discover.Detail.States)!;

    private static bool Matches(DeviceInfo dev, string target) => target switch
    {
        "unplugged" => dev.Blocks.Count == 0,
        "online" => dev.Blocks.Count > 0 && dev.OnlineBlocks == dev.Blocks.Count,
        _ => dev.State == target,
    };

    private Outcome WithAttribute(DeviceInfo dev, string target)
    {
        var steps = new List<string>();
        var before = dev.State;
        if (dev.Blocks.Count > 0)
        {
            var unplug = Unplug(dev, steps);
            if (unplug is not null || target == "unplugged")
            {
                return unplug ?? Verify(dev.Name, target, steps);
            }
        }

        var a = dev.Attribute!;
        int rc = sysfs.Write($"{dev.SysPath}/{a.File}", a.WordFor(target)!);
        if (rc != 0)
        {
            steps.Add($"{a.File} <- {a.WordFor(target)}: {SysfsExtensions.Describe(rc)}");
            return Restore(dev, before, steps, $"the kernel refused '{a.WordFor(target)}': {SysfsExtensions.Describe(rc)}");
        }

        steps.Add($"{a.File} <- {a.WordFor(target)}");
        // Every block online in the right zone: valid_zones alone says both (one read per block).
        var after = Discover.Device(sysfs, dev.Name, Discover.Detail.Zones)!;
        if (!Matches(after, target))
        {
            // The kernel said yes but the device is not there (v3 ignores later ranges' failures): undo it.
            sysfs.Write($"{dev.SysPath}/{a.File}", a.WordFor("unplugged")!);
            return Restore(dev, before, steps, $"the kernel reported success but the device is {after.State} ({after.OnlineBlocks}/{after.Blocks.Count} blocks online)");
        }

        return new Outcome(OutcomeCode.Done, $"{dev.Name}: {before} -> {after.State}", steps);
    }

    // Unplug with the attribute: offline every block first (verified, rolled back on failure), then one write.
    private Outcome? Unplug(DeviceInfo dev, List<string> steps)
    {
        var txn = new BlockTransaction(sysfs, progress);
        var error = txn.Apply(dev.Blocks, "offline");
        steps.AddRange(txn.Steps);
        if (error is not null)
        {
            return Undo(dev, txn, steps, error);
        }

        var a = dev.Attribute!;
        int rc = sysfs.Write($"{dev.SysPath}/{a.File}", a.WordFor("unplugged")!);
        steps.Add($"{a.File} <- {a.WordFor("unplugged")}{(rc == 0 ? "" : ": " + SysfsExtensions.Describe(rc))}");
        var after = Get(dev.Name);
        if (rc != 0 || after.Blocks.Count > 0)
        {
            if (after.Blocks.Count < dev.Blocks.Count)
            {
                return Stranded(after, steps, $"the kernel removed {dev.Blocks.Count - after.Blocks.Count} of {dev.Blocks.Count} blocks and kept the rest");
            }

            return Undo(dev, txn, steps, rc != 0 ? $"unplug failed: {SysfsExtensions.Describe(rc)}" : "unplug removed nothing");
        }

        return null;
    }

    private Outcome PerBlock(DeviceInfo dev, string target)
    {
        var steps = new List<string>();
        var before = dev.State;
        var txn = new BlockTransaction(sysfs, progress);
        var error = txn.Apply(dev.Blocks, target == "unplugged" ? "offline" : target);
        steps.AddRange(txn.Steps);
        if (error is not null)
        {
            return Undo(dev, txn, steps, error);
        }

        if (target != "unplugged")
        {
            return new Outcome(OutcomeCode.Done, $"{dev.Name}: {before} -> {Get(dev.Name).State}", steps);
        }

        // Last check between offlining and the unbind, which removes memory only if every block is still offline.
        var now = Get(dev.Name);
        if (now.OnlineBlocks > 0)
        {
            return Undo(dev, txn, steps, $"{now.OnlineBlocks} block(s) were onlined again by another controller before the unbind");
        }

        int rc = sysfs.Write($"/sys/bus/dax/drivers/kmem/unbind", dev.Name);
        steps.Add($"kmem/unbind <- {dev.Name}{(rc == 0 ? "" : ": " + SysfsExtensions.Describe(rc))}");
        return Verify(dev.Name, "unplugged", steps);
    }

    private Outcome Verify(string name, string target, List<string> steps)
    {
        var after = Get(name);
        return Matches(after, target)
            ? new Outcome(OutcomeCode.Done, $"{name}: now {after.State}", steps)
            : Stranded(after, steps, $"expected {target}");
    }

    private Outcome Undo(DeviceInfo dev, BlockTransaction txn, List<string> steps, string why)
    {
        int already = txn.Steps.Count;
        var failed = txn.Rollback();
        steps.AddRange(txn.Steps.Skip(already));
        return failed.Count == 0
            ? new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: {why}; rolled back, nothing changed", steps)
            : new Outcome(OutcomeCode.Stranded, $"{dev.Name}: {why}; rollback incomplete: {string.Join("; ", failed)}", steps);
    }

    // After a failed plug: the device should be back as it was (the kernel rolled back, or we unplugged again).
    private Outcome Restore(DeviceInfo dev, string before, List<string> steps, string why)
    {
        var after = Get(dev.Name);
        if (after.State == before || (before == "unplugged" && after.Blocks.Count == 0))
        {
            return new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: {why}; rolled back, still {before}", steps);
        }

        if (dev.Blocks.Count > 0 && after.Blocks.Count == 0 && dev.Attribute is { } a && before is "online_movable" or "online" or "online_kernel")
        {
            // We unplugged to switch online types: plug the old type back.
            int rc = sysfs.Write($"{dev.SysPath}/{a.File}", a.WordFor(before) ?? "online");
            after = Get(dev.Name);
            if (rc == 0 && after.State == before)
            {
                return new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: {why}; restored {before}", steps);
            }
        }

        return Stranded(after, steps, why);
    }

    private static Outcome Stranded(DeviceInfo dev, List<string> steps, string why)
    {
        var where = string.Join(", ", Listing.Tables.Runs(dev.Blocks).Select(r =>
            $"memory{r.First.Id}{(r.First.Id == r.Last.Id ? "" : "-" + r.Last.Id)} {BlockTransaction.Describe(r.First.Online, r.First.Zone)}"));
        return new Outcome(OutcomeCode.Stranded, $"{dev.Name}: {why}; now {dev.State}: {(where.Length > 0 ? where : "no blocks")}", steps);
    }
}
