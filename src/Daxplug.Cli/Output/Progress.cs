namespace Daxplug.Cli.Output;

/// <summary>A progress bar on stderr for long transactions, only on a terminal.</summary>
internal static class Progress
{
    public static Action<int, int>? Create()
    {
        if (Console.IsErrorRedirected)
        {
            return null;
        }

        return (done, total) =>
        {
            if (total < 16 || (done % Math.Max(1, total / 50) != 0 && done != total))
            {
                return;
            }

            int width = 40, filled = done * width / total;
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}");
            if (done == total)
            {
                Console.Error.Write("\r" + new string(' ', width + 24) + "\r");
            }
        };
    }
}
