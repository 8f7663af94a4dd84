using Daxplug.Control.Discovery;
using Daxplug.Control.Files;
using Daxplug.Control.Sysfs;

namespace Daxplug.Control.Transitions;

/// <summary>
/// The controller's journal: the lock every verb that writes takes, the refusal while an interrupted transaction
/// is pending, and recover, which puts such a transaction's device back as it was or completes it.
/// </summary>
public sealed partial class Controller
{
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

        if (Matches(dev, journal.TargetState!))
        {
            Journal.Clear();
            return new Outcome(OutcomeCode.Done, $"{dev.Name}: {what} had completed; now {dev.State}; journal removed", []);
        }

        // Blocks came or went: only the kernel's unplug or plug does that, so the transaction got past it and is
        // completed. A journal that no transaction could have written gives no reason to do anything.
        var present = dev.Blocks.Select(b => b.Id).ToHashSet();
        bool gone = journal.Blocks.Any(b => !present.Contains(b.Id)), plugged = journal.Blocks.Count == 0 && dev.Blocks.Count > 0;
        var inconsistent = journal.Blocks.Count == 0 && journal.TargetState == DeviceState.Unplugged ? "an unplug of a device that had no blocks"
            : gone && journal.TargetState != DeviceState.Unplugged && dev.Attribute is null ? $"blocks gone, which '{journal.Command}' does not do without the kernel's attribute"
            : null;
        if (inconsistent is not null)
        {
            return new Outcome(OutcomeCode.RolledBack, $"{Journal.Path} disagrees with {dev.Name} ({inconsistent}); not acting on it: {BadJournalAdvice}", []);
        }

        if (gone || plugged)
        {
            var forward = SetHeld(dev.Name, journal.TargetState!, journal: false);
            if (forward.Code != OutcomeCode.Done)
            {
                return forward with { Code = OutcomeCode.Stranded, Message = $"could not complete {what}: {forward.Message}; the journal stays ({Journal.Path})" };
            }

            Journal.Clear();
            return new Outcome(OutcomeCode.Done, $"{dev.Name}: completed {what}; now {Get(dev.Name).State}", forward.Steps);
        }

        return RollBack(dev, journal, what);
    }

    // Recover's usual case: every block put back as the journal says it was, and read back to be sure.
    private Outcome RollBack(DeviceInfo dev, JournalRecord journal, string what)
    {
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
}
