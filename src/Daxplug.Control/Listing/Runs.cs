namespace Daxplug.Control.Listing;

/// <summary>
/// Consecutive items that agree, as lsmem merges blocks into ranges: what the block tables, the simulated
/// machine's summary and the controller's messages about many blocks all print.
/// </summary>
public static class Runs
{
    /// <summary>
    /// (first, last) of each run of items whose ids follow one another and that <paramref name="same"/> says agree;
    /// the items come in id order.
    /// </summary>
    public static IEnumerable<(T First, T Last)> Of<T>(IEnumerable<T> items, Func<T, long> id, Func<T, T, bool> same)
    {
        bool any = false;
        T first = default!, last = default!;
        foreach (var item in items)
        {
            if (any && id(item) == id(last) + 1 && same(last, item))
            {
                last = item;
                continue;
            }

            if (any)
            {
                yield return (first, last);
            }

            (first, last, any) = (item, item, true);
        }

        if (any)
        {
            yield return (first, last);
        }
    }
}
