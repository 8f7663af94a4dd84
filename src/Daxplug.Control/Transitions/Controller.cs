using Daxplug.Control.Discovery;
using Daxplug.Control.Files;
using Daxplug.Control.Sysfs;

namespace Daxplug.Control.Transitions;

/// <summary>
/// Moves whole devices: with the kernel's attribute when there is one (its own vocabulary, verified afterwards,
/// unplug preceded by a verified per-block offline so that no revision can half-remove a device), otherwise as a
/// locked, journalled per-block transaction with rollback; unplug then unbinds kmem. Everything from the first
/// look at a device to the verdict happens under the state directory's lock, and every verdict is read back
/// from sysfs after the change.
/// </summary>
public sealed class Controller(ISysfs sysfs, StateDir stateDir, Action<int, int>? progress = null)
{
    public static readonly string[] Targets = ["unplugged", "online", "online_kernel", "online_movable"];

    /// <summary>Recover an interrupted transaction first instead of refusing to start (--recover).</summary>
    public bool RecoverFirst { get; init; }

    /// <summary>This sysfs's journal.</summary>
    public JournalFile Journal => stateDir.Journal(sysfs);

    /// <summary>
    /// What "list" and "doctor" say about this sysfs's journal, or null when there is none: a transaction under way
    /// in another daxplug, an interrupted one (which blocks every change until recovered), or an unreadable file.
    /// </summary>
    public JournalNote? PendingNote()
    {
        const string recover = "daxplug recover (or any verb that writes, with --recover)";
        try
        {
            if (Journal.Read() is not { } pending)
            {
                return null;
            }

            return stateDir.HeldElsewhere() switch
            {
                true => new($"'{pending.Command}' is under way in another daxplug (started {pending.Started:u})", "wait for it to end"),
                false => new($"an interrupted '{pending.Command}' (started {pending.Started:u}) is pending in {Journal.Path}: {pending.Device} may be split, and every change is refused until 'daxplug recover'", recover),
                null => new($"the journal of '{pending.Command}' (started {pending.Started:u}) is in {Journal.Path}: under way, or interrupted and pending 'daxplug recover' (only root can tell)", recover),
            };
        }
        catch (BadFileException e)
        {
            return new($"{e.Message}: a journal that cannot be read blocks every change", "check the devices ('daxplug list'), then remove the journal by hand");
        }
        catch (UnauthorizedAccessException)
        {
            return null; // a state directory this user may not read: nor could it change anything
        }
    }

    /// <summary>What "set" would do, without doing it.</summary>
    public Outcome Plan(string device, string target)
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
            ? $"write '{a.WordFor(target) ?? "?"}' to {dev.SysPath}/{a.File}" + (target == "unplugged" ? " after offlining its blocks one by one" : "")
            : target == "unplugged" ? $"offline {dev.OnlineBlocks} block(s), then unbind {dev.Name} from kmem"
            : $"bring {dev.Blocks.Count(b => !BlockTransaction.Satisfies(new BlockSnapshot(b.Id, b.Online, b.Zone), target))} of {dev.Blocks.Count} block(s) to {target}";
        return new Outcome(OutcomeCode.Done, $"{dev.Name}: {dev.State} -> {target}: would {how}", []);
    }

    public Outcome Set(string device, string target)
    {
        using var held = Hold(out var refusal, out var recovered);
        return held is null ? refusal! : After(recovered, SetHeld(device, target));
    }

    /// <summary>
    /// Takes the lock for a command that may make several transitions, once no interrupted transaction stands in
    /// the way: a pending journal is refused (null, and <paramref name="refusal"/> says why), or with
    /// <see cref="RecoverFirst"/> recovered first (<paramref name="recovered"/>). Dispose to release.
    /// </summary>
    public IDisposable? Hold(out Outcome? refusal, out Outcome? recovered)
    {
        recovered = null;
        var held = stateDir.Lock(StateDir.LockTimeout);
        try
        {
            refusal = Pending(out var pending, "a journal that cannot be read blocks every change");
            if (refusal is null && pending is not null && !RecoverFirst)
            {
                refusal = new Outcome(OutcomeCode.RolledBack, $"an interrupted '{pending.Command}' (started {pending.Started:u}) is pending in {Journal.Path}; " +
                                                              "run 'daxplug recover' first, or add --recover; nothing changed", []);
            }
            else if (refusal is null && pending is not null)
            {
                recovered = RecoverHeld(pending);
                refusal = recovered.Code == OutcomeCode.Done ? null : recovered with { Message = $"--recover: {recovered.Message}" };
            }
        }
        catch
        {
            held.Dispose();
            throw;
        }

        if (refusal is not null)
        {
            held.Dispose();
            return null;
        }

        return held;
    }

    /// <summary>An outcome after a recovery that preceded it: both messages, both steps.</summary>
    public static Outcome After(Outcome? recovered, Outcome outcome) => recovered is null
        ? outcome
        : outcome with { Message = $"{recovered.Message}\n{outcome.Message}", Steps = [.. recovered.Steps, .. outcome.Steps] };

    /// <summary>Undoes (or completes) a transaction a crash left in the journal.</summary>
    public Outcome Recover()
    {
        using var _ = stateDir.Lock(StateDir.LockTimeout);
        return Pending(out var pending, "not a journal daxplug can act on")
               ?? (pending is null ? new Outcome(OutcomeCode.Done, "nothing to recover", []) : RecoverHeld(pending));
    }

    // The pending record, or null; a refusal (exit 1) when the file cannot be read, which stays as it is.
    private Outcome? Pending(out JournalRecord? pending, string why)
    {
        try
        {
            pending = Journal.Read();
            return null;
        }
        catch (BadFileException e)
        {
            pending = null;
            return new Outcome(OutcomeCode.RolledBack, $"{e.Message}: {why}; {BadJournalAdvice}; nothing changed", []);
        }
    }

    private const string BadJournalAdvice = "it is left as it is: check the devices ('daxplug list') and remove it by hand";

    /// <summary>A set under the lock the caller holds; <paramref name="journal"/> false when recover completes an
    /// interrupted transaction (whose own journal stays until the device is whole).</summary>
    internal Outcome SetHeld(string device, string target, bool journal = true)
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

        if (journal)
        {
            Journal.Write(new JournalRecord(sysfs.Describe, dev.Name, target, DateTimeOffset.UtcNow,
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
        return outcome;
    }

    // What recover does with a pending record: refuse one that names blocks outside the device's ranges; complete
    // a transaction whose device lost blocks on the way (an unplug, or the unplug half of a zone switch); else put
    // every block back as the journal says it was. The journal goes only when the device is whole.
    private Outcome RecoverHeld(JournalRecord journal)
    {
        // This machine's kernel may be reached by more than one path (a bind mount of /sys): its journal is one,
        // and only ever one written for a sysfs (not for a model, as an older daxplug kept in the same file).
        if (sysfs.IsHost ? !HostSysfs.IsSysfs(journal.Sysfs) : journal.Sysfs != sysfs.Describe)
        {
            return new Outcome(OutcomeCode.RolledBack, $"{Journal.Path} is the journal of {journal.Sysfs}, not of {sysfs.Describe}; {BadJournalAdvice}", []);
        }

        var what = $"the interrupted '{journal.Command}'";
        var dev = Discover.Device(sysfs, journal.Device, Discover.Detail.States);
        if (dev is null)
        {
            Journal.Clear();
            return new Outcome(OutcomeCode.Done, $"{journal.Device} no longer exists: nothing of {what} to put back; journal removed", []);
        }

        var bs = Discover.BlockSize(sysfs);
        var owned = Discover.BlockIdsIn(bs, dev.Mappings.Select(m => (m.Start, m.End))).Select(id => (long)id).ToHashSet();
        var foreign = journal.Blocks.Where(b => !owned.Contains(b.Id)).ToList();
        if (foreign.Count > 0)
        {
            return new Outcome(OutcomeCode.RolledBack, $"{Journal.Path} lists {BlockSummary.Ids(foreign.Select(b => b.Id))}, which are not in {dev.Name}'s ranges; " +
                                                        $"not acting on it: {BadJournalAdvice}", []);
        }

        if (Matches(dev, journal.Target))
        {
            Journal.Clear();
            return new Outcome(OutcomeCode.Done, $"{dev.Name}: {what} had completed; now {dev.State}; journal removed", []);
        }

        // Blocks came or went: only the kernel's unplug or plug does that, so the transaction got past it and is
        // completed. A journal that no transaction could have written gives no reason to do anything.
        var present = dev.Blocks.Select(b => b.Id).ToHashSet();
        bool gone = journal.Blocks.Any(b => !present.Contains(b.Id)), plugged = journal.Blocks.Count == 0 && dev.Blocks.Count > 0;
        var inconsistent = journal.Blocks.Count == 0 && journal.Target == "unplugged" ? "an unplug of a device that had no blocks"
            : gone && journal.Target != "unplugged" && dev.Attribute is null ? $"blocks gone, which '{journal.Command}' does not do without the kernel's attribute"
            : null;
        if (inconsistent is not null)
        {
            return new Outcome(OutcomeCode.RolledBack, $"{Journal.Path} disagrees with {dev.Name} ({inconsistent}); not acting on it: {BadJournalAdvice}", []);
        }

        if (gone || plugged)
        {
            var forward = SetHeld(dev.Name, journal.Target, journal: false);
            if (forward.Code != OutcomeCode.Done)
            {
                return forward with { Code = OutcomeCode.Stranded, Message = $"could not complete {what}: {forward.Message}; the journal stays ({Journal.Path})" };
            }

            Journal.Clear();
            return new Outcome(OutcomeCode.Done, $"{dev.Name}: completed {what}; now {Get(dev.Name).State}", forward.Steps);
        }

        var txn = new BlockTransaction(sysfs, progress);
        var failed = txn.Restore(journal.Blocks);
        if (failed.Count > 0)
        {
            return new Outcome(OutcomeCode.Stranded, $"{dev.Name}: could not put back {BlockSummary.Problems(failed)}; the journal stays ({Journal.Path}): " +
                                                      "fix the cause and run recover again", txn.Steps);
        }

        // The verdict, read back: every block as the journal says it was (another controller may have struck).
        var after = Get(dev.Name);
        var now = after.Blocks.ToDictionary(b => b.Id);
        var off = journal.Blocks.Where(b => !now.TryGetValue(b.Id, out var n) || n.Online != b.Online || n.Zone != b.Zone)
            .Select(b => (b.Id, $"{(now.TryGetValue(b.Id, out var n) ? BlockTransaction.Describe(n.Online, n.Zone) : "gone")} (was {BlockTransaction.Describe(b.Online, b.Zone)})")).ToList();
        if (off.Count > 0)
        {
            return new Outcome(OutcomeCode.Stranded, $"{dev.Name}: changed again while recover put it back: {BlockSummary.Problems(off)}; the journal stays ({Journal.Path})", txn.Steps);
        }

        Journal.Clear();
        return new Outcome(OutcomeCode.Done, $"{dev.Name}: rolled back {what} ({txn.Steps.Count} block(s) restored); now {after.State}", txn.Steps);
    }

    private Outcome? Validate(string device, string target)
    {
        if (!Targets.Contains(target))
        {
            return Outcome.Usage($"unknown state '{target}' (one of: {string.Join(", ", Targets)})");
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

        if (dev.Driver != "kmem" && !(target == "unplugged" && Get(device).Blocks.Count == 0))
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
                return unplug ?? Verify(dev, before, target, steps);
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

        return Verify(dev, before, target, steps);
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
        var error = dev.Blocks.Count == 0 ? $"it has no memory blocks to bring {target}" : txn.Apply(dev.Blocks, target == "unplugged" ? "offline" : target);
        steps.AddRange(txn.Steps);
        if (error is not null)
        {
            return Undo(dev, txn, steps, error);
        }

        if (target != "unplugged")
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

        int rc = sysfs.Write($"/sys/bus/dax/drivers/kmem/unbind", dev.Name);
        steps.Add($"kmem/unbind <- {dev.Name}{(rc == 0 ? "" : ": " + SysfsExtensions.Describe(rc))}");
        return Verify(dev, before, "unplugged", steps);
    }

    // The verdict: the device read back from sysfs, now, is in the target state, or the transaction failed.
    private Outcome Verify(DeviceInfo dev, string before, string target, List<string> steps, DeviceInfo? readBack = null)
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
        var where = BlockSummary.States(dev.Blocks);
        return new Outcome(OutcomeCode.Stranded, $"{dev.Name}: {why}; now {dev.State}: {(where.Length > 0 ? where : "no blocks")}", steps);
    }
}
