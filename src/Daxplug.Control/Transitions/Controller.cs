using Daxplug.Control.Discovery;
using Daxplug.Control.Sysfs;

namespace Daxplug.Control.Transitions;

/// <summary>
/// Moves whole devices: with the kernel's attribute when there is one (its own vocabulary, verified afterwards,
/// unplug preceded by a verified per-block offline so that no revision can half-remove a device), otherwise as a
/// locked, journalled per-block transaction with rollback; unplug then unbinds kmem. Everything from the first
/// look at a device to the verdict happens under the state directory's lock, and every verdict is read back
/// from sysfs after the change.
/// </summary>
public sealed partial class Controller(ISysfs sysfs, StateDir stateDir, Action<int, int>? progress = null)
{
    /// <summary>Recover an interrupted transaction first instead of refusing to start (--recover).</summary>
    public bool RecoverFirst { get; init; }

    /// <summary>What "set" would do, without doing it.</summary>
    public Outcome Plan(string device, DeviceState target)
    {
        if (Validate(device, target) is { } bad)
        {
            return bad;
        }

        var dev = Get(device);
        if (Matches(dev, target))
        {
            return new Outcome(OutcomeCode.Done, $"{dev.Name}: already {dev.State}: would do nothing", []);
        }

        var how = dev.Attribute is { } a
            ? $"write '{a.WordFor(target) ?? "?"}' to {dev.SysPath}/{a.File}" + (target == DeviceState.Unplugged ? " after offlining its blocks one by one" : "")
            : target == DeviceState.Unplugged ? $"offline {dev.OnlineBlocks} block(s), then unbind {dev.Name} from kmem"
            : $"bring {dev.Blocks.Count(b => !BlockTransaction.Satisfies(new BlockSnapshot(b.Id, b.Online, b.Zone), target))} of {dev.Blocks.Count} block(s) to {target}";
        return new Outcome(OutcomeCode.Done, $"{dev.Name}: {dev.State} -> {target}: would {how}", []) { Note = PinNote(dev, target) };
    }

    // The first block of a memoryless node onlined into a kernel zone holds the kswapd and kcompactd that
    // online_pages() starts for the node (allocated on it; the 7.3 oracle's 11-13): it cannot go offline again
    // until reboot, so the device can then neither be unplugged nor moved to ZONE_MOVABLE. Said before it happens.
    private string? PinNote(DeviceInfo dev, DeviceState target)
    {
        // "online" takes the zone valid_zones names first for an offline block.
        bool kernelZone = target == DeviceState.OnlineKernel
            || (target == DeviceState.Online && dev.Blocks.FirstOrDefault(b => !b.Online) is { } first
                && sysfs.ReadValue($"{Discover.Memory}/memory{first.Id}/valid_zones") is { } zones && !zones.StartsWith("Movable", StringComparison.Ordinal));
        if (!kernelZone || dev.OnlineBlocks > 0 || Discover.NodeHasOnlineMemory(sysfs, dev.TargetNode))
        {
            return null;
        }

        return $"node{dev.TargetNode} has no memory online: the first block onlined into a kernel zone will hold its kswapd and cannot be offlined until reboot (online_movable avoids it)";
    }

    public Outcome Set(string device, DeviceState target)
    {
        using var held = Hold(out var refusal, out var recovered);
        return held is null ? refusal! : After(recovered, SetHeld(device, target));
    }

    /// <summary>A set under the lock the caller holds; <paramref name="journal"/> false when recover completes an
    /// interrupted transaction (whose own journal stays until the device is whole).</summary>
    internal Outcome SetHeld(string device, DeviceState target, bool journal = true)
    {
        if (Validate(device, target) is { } bad)
        {
            return bad;
        }

        var dev = Get(device);
        if (Matches(dev, target))
        {
            return new Outcome(OutcomeCode.Done, $"{dev.Name}: already {dev.State}", []);
        }

        // An online block whose zone cannot be read could not be put back where it was.
        if (dev.Blocks.FirstOrDefault(b => b.Online && !JournalRecord.Zones.Contains(b.Zone)) is { } unknown)
        {
            return new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: memory{unknown.Id} is online in a zone daxplug cannot tell (valid_zones: '{unknown.Zone}'); nothing changed", []);
        }

        var note = PinNote(dev, target);
        if (journal)
        {
            Journal.Write(new JournalRecord(sysfs.Describe, dev.Name, target.Name, DateTimeOffset.UtcNow,
                dev.Blocks.Select(b => new BlockSnapshot(b.Id, b.Online, b.Zone)).ToList()));
        }

        // The journal stays if this process dies (or throws) half way, and when the transaction could not put
        // everything back (exit 3): "daxplug recover" finds it.
        Outcome outcome;
        try
        {
            outcome = dev.Attribute is not null ? WithAttribute(dev, target) : PerBlock(dev, target);
        }
        catch (DeviceGoneException e)
        {
            outcome = new Outcome(OutcomeCode.Stranded, e.Message, []);
        }

        if (!journal)
        {
            return outcome;
        }

        if (outcome.Code == OutcomeCode.Stranded)
        {
            return outcome with { Message = $"{outcome.Message}; the journal stays ({Journal.Path}): run 'daxplug recover' once the cause is fixed" };
        }

        Journal.Clear();
        return outcome.Code == OutcomeCode.Done ? outcome with { Note = note } : outcome;
    }

    private Outcome? Validate(string device, DeviceState target)
    {
        if (!target.IsTarget)
        {
            return Outcome.Usage($"'{target}' is not a target (one of: {string.Join(", ", DeviceState.TargetNames)})");
        }

        if (!Discover.IsDeviceName(device))
        {
            return Outcome.Usage($"'{device}' is not a dax device name (daxR.N, e.g. dax0.0)");
        }

        var dev = Discover.Device(sysfs, device, Discover.Detail.None);
        if (dev is null)
        {
            return Outcome.Usage($"no dax device '{device}' in {sysfs.Describe}");
        }

        if (dev.Driver != "kmem" && !(target == DeviceState.Unplugged && Get(device).Blocks.Count == 0))
        {
            return new Outcome(OutcomeCode.RolledBack, $"{dev.Name} is not bound to kmem ({dev.Driver ?? "no driver"}); use 'daxplug reconfigure {dev.Name} --mode system-ram' first; nothing changed", []);
        }

        if (dev.Attribute is { } a && a.WordFor(target) is null)
        {
            return new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: this kernel's '{a.File}' attribute has no '{target}'; nothing changed", []);
        }

        return null;
    }

    private DeviceInfo Get(string name) => Discover.Device(sysfs, name, Discover.Detail.States)
                                          ?? throw new DeviceGoneException($"{name} disappeared from {sysfs.Describe} during the transaction");

    /// <summary>The device went away under a transaction (its verdict cannot be read back).</summary>
    private sealed class DeviceGoneException(string message) : IOException(message);

    private static bool Matches(DeviceInfo dev, DeviceState target) =>
        target == DeviceState.Unplugged ? dev.Blocks.Count == 0
        : target == DeviceState.Online ? dev.Blocks.Count > 0 && dev.OnlineBlocks == dev.Blocks.Count
        : dev.State == target;

    private Outcome WithAttribute(DeviceInfo dev, DeviceState target)
    {
        var steps = new List<string>();
        var before = dev.State;
        if (dev.Blocks.Count > 0)
        {
            var unplug = Unplug(dev, steps);
            if (unplug is not null || target == DeviceState.Unplugged)
            {
                return unplug ?? Verify(dev, before, target, steps);
            }
        }

        var a = dev.Attribute!;
        Errno rc = sysfs.Write($"{dev.SysPath}/{a.File}", a.WordFor(target)!);
        if (rc != 0)
        {
            steps.Add($"{a.File} <- {a.WordFor(target)}: {ErrnoText.Describe(rc)}");
            return Restore(dev, before, steps, $"the kernel refused '{a.WordFor(target)}': {ErrnoText.Describe(rc)}");
        }

        steps.Add($"{a.File} <- {a.WordFor(target)}");
        // Every block online in the right zone: valid_zones alone says both (one read per block).
        var after = Discover.Device(sysfs, dev.Name, Discover.Detail.Zones)!;
        if (!Matches(after, target))
        {
            // The kernel said yes but the device is not there (v3 ignores later ranges' failures): undo it.
            sysfs.Write($"{dev.SysPath}/{a.File}", a.WordFor(DeviceState.Unplugged)!);
            return Restore(dev, before, steps, $"the kernel reported success but the device is {after.State} ({after.OnlineBlocks}/{after.Blocks.Count} blocks online)");
        }

        return Verify(dev, before, target, steps);
    }

    // Unplug with the attribute: offline every block first (verified, rolled back on failure), then one write.
    private Outcome? Unplug(DeviceInfo dev, List<string> steps)
    {
        var txn = new BlockTransaction(sysfs, progress);
        var error = txn.Apply(dev.Blocks, DeviceState.Offline);
        steps.AddRange(txn.Steps);
        if (error is not null)
        {
            return Undo(dev, txn, steps, error);
        }

        var a = dev.Attribute!;
        Errno rc = sysfs.Write($"{dev.SysPath}/{a.File}", a.WordFor(DeviceState.Unplugged)!);
        steps.Add($"{a.File} <- {a.WordFor(DeviceState.Unplugged)}{(rc == 0 ? "" : ": " + ErrnoText.Describe(rc))}");
        var after = Get(dev.Name);
        if (rc != 0 || after.Blocks.Count > 0)
        {
            if (after.Blocks.Count < dev.Blocks.Count)
            {
                return Stranded(after, steps, $"the kernel removed {dev.Blocks.Count - after.Blocks.Count} of {dev.Blocks.Count} blocks and kept the rest");
            }

            return Undo(dev, txn, steps, rc != 0 ? $"unplug failed: {ErrnoText.Describe(rc)}" : "unplug removed nothing");
        }

        return null;
    }

    private Outcome PerBlock(DeviceInfo dev, DeviceState target)
    {
        var steps = new List<string>();
        var before = dev.State;
        var txn = new BlockTransaction(sysfs, progress);
        var error = dev.Blocks.Count == 0 ? $"it has no memory blocks to bring {target}" : txn.Apply(dev.Blocks, target == DeviceState.Unplugged ? DeviceState.Offline : target);
        steps.AddRange(txn.Steps);
        if (error is not null)
        {
            return Undo(dev, txn, steps, error);
        }

        if (target != DeviceState.Unplugged)
        {
            // The kernel or another controller may have moved a block since the transaction's last look.
            var now = Get(dev.Name);
            return Matches(now, target) ? Verify(dev, before, target, steps, now) : Undo(dev, txn, steps, $"{dev.Name} is {now.State} after the transaction, not {target}");
        }

        // Last check between offlining and the unbind, which removes memory only if every block is still offline.
        var offline = Get(dev.Name);
        if (offline.OnlineBlocks > 0)
        {
            return Undo(dev, txn, steps, $"{offline.OnlineBlocks} block(s) were onlined again by another controller before the unbind");
        }

        Errno rc = sysfs.Write($"/sys/bus/dax/drivers/kmem/unbind", dev.Name);
        steps.Add($"kmem/unbind <- {dev.Name}{(rc == 0 ? "" : ": " + ErrnoText.Describe(rc))}");
        return Verify(dev, before, DeviceState.Unplugged, steps);
    }

    // The verdict: the device read back from sysfs, now, is in the target state, or the transaction failed.
    private Outcome Verify(DeviceInfo dev, DeviceState before, DeviceState target, List<string> steps, DeviceInfo? readBack = null)
    {
        var after = readBack ?? Get(dev.Name);
        return Matches(after, target)
            ? new Outcome(OutcomeCode.Done, $"{dev.Name}: {before} -> {after.State}", steps)
            : Stranded(after, steps, $"expected {target}");
    }

    private Outcome Undo(DeviceInfo dev, BlockTransaction txn, List<string> steps, string why)
    {
        int already = txn.Steps.Count;
        var failed = txn.Rollback();
        steps.AddRange(txn.Steps.Skip(already));
        return failed.Count == 0
            ? new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: {why}; rolled back, nothing changed", steps)
            : new Outcome(OutcomeCode.Stranded, $"{dev.Name}: {why}; rollback incomplete: {BlockSummary.Problems(failed)}", steps);
    }

    // After a failed plug: the device should be back as it was (the kernel rolled back, or we unplugged again).
    private Outcome Restore(DeviceInfo dev, DeviceState before, List<string> steps, string why)
    {
        var after = Get(dev.Name);
        if (after.State == before || (before == DeviceState.Unplugged && after.Blocks.Count == 0))
        {
            return new Outcome(OutcomeCode.RolledBack, $"{dev.Name}: {why}; rolled back, still {before}", steps);
        }

        if (dev.Blocks.Count > 0 && after.Blocks.Count == 0 && dev.Attribute is { } a && before.IsOnline)
        {
            // We unplugged to switch online types: plug the old type back.
            Errno rc = sysfs.Write($"{dev.SysPath}/{a.File}", a.WordFor(before) ?? a.WordFor(DeviceState.Online)!);
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
        var where = BlockSummary.States(dev.Blocks);
        return new Outcome(OutcomeCode.Stranded, $"{dev.Name}: {why}; now {dev.State}: {(where.Length > 0 ? where : "no blocks")}", steps);
    }
}
