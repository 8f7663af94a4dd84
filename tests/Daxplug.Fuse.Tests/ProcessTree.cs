namespace Daxplug.Fuse.Tests;

/// <summary>This machine's processes as /proc lists them (no procps needed).</summary>
internal static class ProcessTree
{
    public static IEnumerable<int> All() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!, System.Globalization.CultureInfo.InvariantCulture));

    public static bool Alive(int pid) => File.Exists($"/proc/{pid}/stat") && !Stat(pid).StartsWith('Z');

    /// <summary>The direct children of a process.</summary>
    public static List<int> Children(int pid) => All().Where(p => Parent(p) == pid).ToList();

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static int Parent(int pid)
    {
        var fields = Stat(pid).Split(' ');
        return fields.Length > 1 && int.TryParse(fields[1], System.Globalization.CultureInfo.InvariantCulture, out var ppid) ? ppid : -1;
    }

    // /proc/PID/stat after the command name (which may hold spaces and parentheses): state, ppid, ...
    private static string Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..];
        }
        catch (IOException)
        {
            return "";
        }
    }
}
