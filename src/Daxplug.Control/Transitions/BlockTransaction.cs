using Daxplug.Control.Discovery;
using Daxplug.Control.Sysfs;

namespace Daxplug.Control.Transitions;

/// <summary>
/// Per-block changes with verification and undo: each change is checked by re-reading state and valid_zones;
/// on any failure or interference every block changed is put back to its previous state and zone.
/// </summary>
public sealed class BlockTransaction(ISysfs sysfs, Action<int, int>? progress = null)
{
    private readonly List<BlockSnapshot> changed = [];

    public List<string> Steps { get; } = [];

    /// <summary>The blocks changed so far, in order.</summary>
    public IReadOnlyList<BlockSnapshot> Changed => changed;

    /// <summary>Brings every block to <paramref name="target"/> (offline, online, online_kernel or online_movable: the block's own state words).</summary>
    /// <returns>null on success, else why it failed (nothing undone yet).</returns>
    public string? Apply(IReadOnlyList<BlockInfo> blocks, DeviceState target)
    {
        int done = 0;
        foreach (var b in blocks.OrderBy(b => b.Id))
        {
            progress?.Invoke(++done, blocks.Count);
            var before = new BlockSnapshot(b.Id, b.Online, b.Zone);
            if (Satisfies(before, target))
            {
                // Already there a moment ago, under the lock: not read again (the kernel or the final checks
                // catch a block someone else changes meanwhile).
                continue;
            }

            if (before.Online && target != DeviceState.Offline)
            {
                // Online in the wrong zone: offline first, then online into the requested one.
                if (Change(b.Id, before, DeviceState.Offline) is { } err)
                {
                    return err;
                }

                before = new BlockSnapshot(b.Id, false, null);
            }

            // The write itself fails (EINVAL) if another controller moved the block since the snapshot.
            if (Change(b.Id, before, target) is { } error)
            {
                return error;
            }
        }

        // A last look: a block we changed may have been changed again by someone else.
        foreach (var c in changed)
        {
            var now = Read(c.Id);
            if (now is null || !Satisfies(now, target))
            {
                return $"memory{c.Id} was changed by another controller after daxplug set it ({(now is null ? "removed" : Describe(now.Online, now.Zone))})";
            }
        }

        return null;
    }

    /// <summary>Puts every changed block back, last first; returns the blocks that could not be restored.</summary>
    public List<(long Id, string What)> Rollback() => Restore(changed.AsEnumerable().Reverse().ToList());

    /// <summary>Brings the given blocks back to their snapshot state (for rollback and recover).</summary>
    public List<(long Id, string What)> Restore(IReadOnlyList<BlockSnapshot> snapshots)
    {
        var failed = new List<(long, string)>();
        foreach (var want in snapshots)
        {
            var now = Read(want.Id);
            if (now is null)
            {
                failed.Add((want.Id, $"gone (was {Describe(want.Online, want.Zone)})"));
                continue;
            }

            if (now.Online == want.Online && now.Zone == want.Zone)
            {
                continue;
            }

            if (now.Online && Write(want.Id, "offline") != 0)
            {
                failed.Add((want.Id, $"{Describe(now.Online, now.Zone)}, could not offline (was {Describe(want.Online, want.Zone)})"));
                continue;
            }

            if (want.Online && Write(want.Id, want.Zone == "Movable" ? "online_movable" : "online_kernel") != 0)
            {
                failed.Add((want.Id, $"offline, could not re-online into {want.Zone}"));
                continue;
            }

            // Read back: the kernel may pick another zone, or another controller may have moved the block again.
            var back = Read(want.Id);
            if (back is null || back.Online != want.Online || back.Zone != want.Zone)
            {
                failed.Add((want.Id, $"{(back is null ? "gone" : Describe(back.Online, back.Zone))} after restoring it (was {Describe(want.Online, want.Zone)})"));
                continue;
            }

            Steps.Add($"memory{want.Id}: restored to {Describe(want.Online, want.Zone)}");
        }

        return failed;
    }

    public BlockSnapshot? Read(long id)
    {
        var dir = $"{Discover.Memory}/memory{id}";
        if (sysfs.ReadValue($"{dir}/state") is not { } state)
        {
            return null;
        }

        bool online = state == "online";
        return new BlockSnapshot(id, online, online ? sysfs.ReadValue($"{dir}/valid_zones") : null);
    }

    private string? Change(long id, BlockSnapshot before, DeviceState target)
    {
        changed.Add(before);
        Errno rc = Write(id, target.Name);
        var after = Read(id);
        if (rc != 0)
        {
            return $"memory{id}: writing '{target}' failed: {ErrnoText.Describe(rc)}";
        }

        if (after is null || !Satisfies(after, target))
        {
            return $"memory{id}: '{target}' was accepted but the block is {(after is null ? "gone" : Describe(after.Online, after.Zone))} right after (another controller changed it)";
        }

        Steps.Add($"memory{id}: {target}{(after.Zone is { } z ? $" ({z})" : "")}");
        return null;
    }

    private Errno Write(long id, string value) => sysfs.Write($"{Discover.Memory}/memory{id}/state", value);

    /// <summary>Whether a block is in the state a target asks for.</summary>
    public static bool Satisfies(BlockSnapshot b, DeviceState target) =>
        target == DeviceState.Offline ? !b.Online
        : target == DeviceState.OnlineMovable ? b.Online && b.Zone == "Movable"
        : target == DeviceState.OnlineKernel ? b.Online && b.Zone != "Movable"
        : b.Online;

    public static string Describe(bool online, string? zone) => online ? $"online ({zone})" : "offline";
}
