using System.Text;
using System.Text.RegularExpressions;
using Daxplug.Kernel.Machines;
using Daxplug.Sim.Machines;

namespace Daxplug.Kernel.Tests;

/// <summary>
/// Golden data from real kernels (Debian 6.18.15 and 6.12.107 under QEMU, docs/oracle.md "Golden data for the unit tests"): every
/// write the guest's script made after the dax modules loaded is replayed on the "qemu" machine (mainline
/// profile), and every value the guest read — files, block summaries, tiers, the driver link — must read the same
/// in the model. The two kernels differ only in what the machine says: the dax char major and where the kernel
/// image (unmovable) lies.
/// </summary>
public partial class OracleTranscriptTests
{
    [Theory]
    [InlineData("linux-6.18.15+deb13-amd64.txt", "6.18", 251, "0x16000000-0x191fffff")]
    [InlineData("linux-6.12.107+deb12-amd64.txt", "6.12", 252, "0x1a200000-0x1cdfffff")]
    public void Transcript_ReplaysIdentically(string transcript, string release, int daxMajor, string kernelImage)
    {
        var spec = BuiltinMachines.Load("qemu");
        spec.Kernel = release;
        spec.DaxMajor = daxMajor;
        spec.Unmovable = [kernelImage];
        var k = MachineBuilder.Build(spec, AbiProfile.NoAttribute);
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Golden", transcript));
        int start = Array.FindIndex(lines, l => l.StartsWith("### dax bus after modules", StringComparison.Ordinal));
        Assert.True(start > 0);
        var mismatches = new List<string>();
        int compared = 0;
        for (int i = start; i < lines.Length; i++)
        {
            var line = lines[i];
            if (Write().Match(line) is { Success: true } w)
            {
                // busybox: (echo "$2" > "$1"): the value plus a newline, one write().
                int rc = k.Sysfs.Write(w.Groups[1].Value, Encoding.ASCII.GetBytes(w.Groups[2].Value + "\n"));
                var expected = w.Groups[3].Value == "0" ? "ok" : w.Groups[4].Value.Trim();
                var actual = rc >= 0 ? "ok" : "write error: " + ErrnoText.Describe((Errno)(-rc));
                Check(i, line, expected, actual, mismatches, ref compared);
            }
            else if (Read().Match(line) is { Success: true } r)
            {
                var expected = Collapse(r.Groups[2].Value);
                var rc = k.Sysfs.Read(r.Groups[1].Value, out var text);
                var actual = rc == Errno.None ? Collapse(text)
                    : $"cat: can't open '{r.Groups[1].Value}': {ErrnoText.Describe(rc)}";
                Check(i, line, expected, actual, mismatches, ref compared);
            }
            else if (Block().Match(line) is { Success: true } b)
            {
                var id = b.Groups[1].Value;
                var actual = $"memory{id} state={Collapse(Cat(k, $"/sys/devices/system/memory/memory{id}/state"))} zones={Collapse(Cat(k, $"/sys/devices/system/memory/memory{id}/valid_zones"))}";
                Check(i, line, $"memory{id} state={b.Groups[2].Value} zones={b.Groups[3].Value.Trim()}", actual, mismatches, ref compared);
            }
            else if (Absent().Match(line) is { Success: true } a)
            {
                Check(i, line, "absent", k.Blocks.Find(long.Parse(a.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) is null ? "absent" : "present", mismatches, ref compared);
            }
            else if (Tier().Match(line) is { Success: true } t)
            {
                Check(i, line, t.Groups[2].Value, Collapse(Cat(k, $"/sys/devices/virtual/memory_tiering/memory_tier{t.Groups[1].Value}/nodelist")), mismatches, ref compared);
            }
            else if (Driver().Match(line) is { Success: true } d)
            {
                k.Sysfs.Lookup("/sys/bus/dax/devices/dax0.0/driver", out var node, followLast: false);
                var actual = node is Sysfs.KernfsLink link ? link.Target.Split('/')[^1] : "(none)";
                Check(i, line, d.Groups[1].Value, k.Sysfs.Lookup("/sys/bus/dax/devices/dax0.0/driver", out _, followLast: false) == Errno.None ? actual : "(none)", mismatches, ref compared);
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} differ:\n" + string.Join("\n", mismatches));
        Assert.True(compared > 100, $"only {compared} lines compared");
        k.AssertConsistent();
    }

    private static string Cat(KernelModel k, string path) => k.Sysfs.Read(path, out var text) == Errno.None ? text : "(missing)";

    private static string Collapse(string s) => string.Join(' ', s.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static void Check(int i, string line, string expected, string actual, List<string> mismatches, ref int compared)
    {
        compared++;
        if (expected != actual)
        {
            mismatches.Add($"line {i + 1}: {line.Trim()}\n   kernel: '{expected}'\n   model:  '{actual}'");
        }
    }

    [GeneratedRegex(@"^WRITE (\S+) <- '(.*)' rc=(\d+)(.*)$")]
    private static partial Regex Write();

    [GeneratedRegex(@"^(/sys/\S+) = (.*)$")]
    private static partial Regex Read();

    [GeneratedRegex(@"^memory(\d+) state=(\S+) zones=(.*?)\s+node=node\d+\s*$")]
    private static partial Regex Block();

    [GeneratedRegex(@"^memory(\d+) ABSENT")]
    private static partial Regex Absent();

    [GeneratedRegex(@"^memory_tier(\d+) nodelist=(\S+)")]
    private static partial Regex Tier();

    [GeneratedRegex(@"^driver -> (\S+)")]
    private static partial Regex Driver();
}
