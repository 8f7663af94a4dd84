using Daxplug.Control.Discovery;

namespace Daxplug.Control.Transitions;

/// <summary>
/// Lists of blocks in messages, as runs ("memory1024-1087 (64 blocks): gone"): a message about a 1 TiB device
/// stays one short line, however many of its 8192 blocks it is about.
/// </summary>
public static class BlockSummary
{
    /// <summary>At most this many runs are spelled out; the rest are counted.</summary>
    public const int MaxRuns = 6;

    /// <summary>"memory1-2, memory7 (3 blocks)".</summary>
    public static string Ids(IEnumerable<long> ids)
    {
        var list = ids.Order().ToList();
        return $"{Join(Runs(list.Select(id => (id, "")), (first, last, _) => Name(first, last)))} ({Count(list.Count)})";
    }

    /// <summary>"memory5-9 (5 blocks): gone (was online (Movable)); memory12: offline, could not re-online".</summary>
    public static string Problems(IEnumerable<(long Id, string What)> problems) =>
        Join(Runs(problems, (first, last, what) => $"{Name(first, last)}{(last > first ? $" ({Count(last - first + 1)})" : "")}: {what}"));

    /// <summary>"memory1024-1087 online (Movable), memory1152-1215 offline".</summary>
    public static string States(IEnumerable<BlockInfo> blocks) =>
        Join(Runs(blocks.Select(b => (b.Id, BlockTransaction.Describe(b.Online, b.Zone))), (first, last, what) => $"{Name(first, last)} {what}"), ", ");

    private static string Name(long first, long last) => first == last ? $"memory{first}" : $"memory{first}-{last}";

    private static string Count(long n) => n == 1 ? "1 block" : $"{n} blocks";

    // Consecutive ids that say the same thing become one run.
    private static IEnumerable<string> Runs(IEnumerable<(long Id, string What)> items, Func<long, long, string, string> format) =>
        Listing.Runs.Of(items.OrderBy(i => i.Id), i => i.Id, (a, b) => a.What == b.What).Select(r => format(r.First.Id, r.Last.Id, r.First.What));

    private static string Join(IEnumerable<string> runs, string separator = "; ")
    {
        var list = runs.ToList();
        return list.Count <= MaxRuns
            ? string.Join(separator, list)
            : $"{string.Join(separator, list.Take(MaxRuns))}{separator}and {list.Count - MaxRuns} more run(s)";
    }
}
