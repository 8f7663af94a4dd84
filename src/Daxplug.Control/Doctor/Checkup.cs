using System.Text.RegularExpressions;
using Daxplug.Control.Sysfs;

namespace Daxplug.Control.Doctor;

/// <summary>
/// Finds the competing controllers of device memory before they bite (docs/kernel-abi.md §5.3): udev rules that online
/// memory blocks, the kernel's auto-online policy and its boot parameters, the online policy, daxctl's config-driven
/// reconfiguration and kdump's restart rule. Reads only; <paramref name="root"/> is "/" on a real machine.
/// </summary>
public static partial class Checkup
{
    private static readonly string[] RuleDirs = ["etc/udev/rules.d", "run/udev/rules.d", "usr/lib/udev/rules.d", "lib/udev/rules.d"];

    /// <param name="journal">The controller's note about its journal (<c>Controller.PendingNote</c>), if any.</param>
    public static List<Finding> Run(ISysfs sysfs, string root, Transitions.JournalNote? journal = null)
    {
        var findings = new List<Finding>();
        if (journal is not null)
        {
            findings.Add(new Finding(Severity.Warning, "daxplug's journal", journal.What,
                "a transaction that did not finish may leave a device split (some blocks online, some not), and daxplug refuses to change memory until it is dealt with",
                journal.Fix));
        }

        UdevRules(root, findings);
        Policy(sysfs, findings);
        CommandLine(root, findings);
        Daxctl(root, findings);
        return findings;
    }

    // A rule file in /etc or /run with the same name overrides /usr/lib and /lib (udev's precedence), so only the
    // rule that wins is reported.
    private static void UdevRules(string root, List<Finding> findings)
    {
        var seen = new HashSet<string>();
        foreach (var dir in RuleDirs)
        {
            var path = Path.Combine(root, dir);
            if (!Directory.Exists(path))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(path, "*.rules").Order())
            {
                if (!seen.Add(Path.GetFileName(file)))
                {
                    continue;
                }

                var lines = File.ReadAllLines(file);
                // RHEL's 40-redhat.rules matches the subsystem on one line (SUBSYSTEM!="memory", GOTO=...) and
                // assigns ATTR{state} on another.
                bool memoryFile = lines.Any(l => !l.TrimStart().StartsWith('#') && l.Contains("SUBSYSTEM", StringComparison.Ordinal) && l.Contains("\"memory\"", StringComparison.Ordinal));
                for (int i = 0; i < lines.Length; i++)
                {
                    var line = lines[i].Trim();
                    if (line.StartsWith('#'))
                    {
                        continue;
                    }

                    if (memoryFile && StateAssignment().IsMatch(line))
                    {
                        findings.Add(new Finding(Severity.Warning, $"/{dir}/{Path.GetFileName(file)}:{i + 1}",
                            "a udev rule onlines every memory block added",
                            "it races any controller (daxctl, daxplug) for hot-added dax memory, ignores auto_online_blocks, and onlines into the zone it chooses",
                            $"override it: copy it to /etc/udev/rules.d/{Path.GetFileName(file)} without that line (or an empty file of that name), then 'udevadm control --reload'"));
                    }
                    else if (line.Contains("SUBSYSTEM==\"memory\"", StringComparison.Ordinal) && line.Contains("kdump", StringComparison.Ordinal))
                    {
                        findings.Add(new Finding(Severity.Info, $"/{dir}/{Path.GetFileName(file)}:{i + 1}",
                            "kdump is restarted on every memory online/offline",
                            "a whole-device transition triggers one restart per block event",
                            "nothing needed; with crash_hotplug=1 the newer rule skips the restart"));
                    }
                }
            }
        }
    }

    private static void Policy(ISysfs sysfs, List<Finding> findings)
    {
        var auto = sysfs.ReadValue("/sys/devices/system/memory/auto_online_blocks");
        if (auto is not null && auto != "offline")
        {
            findings.Add(new Finding(Severity.Warning, "/sys/devices/system/memory/auto_online_blocks", $"the kernel onlines hot-added memory itself ({auto})",
                "kmem's memory comes up online before anyone decides its zone; daxctl reconfigure-device -N aborts",
                "echo offline > /sys/devices/system/memory/auto_online_blocks (and memhp_default_state=offline on the kernel command line)"));
        }

        var policy = sysfs.ReadValue("/sys/module/memory_hotplug/parameters/online_policy");
        if (policy == "auto-movable")
        {
            findings.Add(new Finding(Severity.Info, "/sys/module/memory_hotplug/parameters/online_policy", "online_policy is auto-movable",
                "'online' picks ZONE_MOVABLE or a kernel zone by auto_movable_ratio, so the same request can land in different zones",
                "ask for online_movable or online_kernel explicitly"));
        }
    }

    private static void CommandLine(string root, List<Finding> findings)
    {
        var path = Path.Combine(root, "proc/cmdline");
        if (!File.Exists(path))
        {
            return;
        }

        foreach (var word in File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (word.StartsWith("memhp_default_state=", StringComparison.Ordinal) && word != "memhp_default_state=offline")
            {
                findings.Add(new Finding(Severity.Warning, "/proc/cmdline", $"the kernel was booted with {word}",
                    "it sets auto_online_blocks at boot: hot-added memory is onlined by the kernel",
                    "boot with memhp_default_state=offline"));
            }
            else if (word == "movable_node")
            {
                findings.Add(new Finding(Severity.Info, "/proc/cmdline", "movable_node is set",
                    "'online' prefers ZONE_MOVABLE for hot-added memory", "nothing needed if that is intended"));
            }
        }
    }

    private static void Daxctl(string root, List<Finding> findings)
    {
        var conf = Path.Combine(root, "etc/daxctl.conf.d");
        if (Directory.Exists(conf))
        {
            foreach (var file in Directory.EnumerateFiles(conf, "*.conf").Order())
            {
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    if (lines[i].TrimStart().StartsWith("[reconfigure-device", StringComparison.Ordinal))
                    {
                        findings.Add(new Finding(Severity.Warning, $"/etc/daxctl.conf.d/{Path.GetFileName(file)}:{i + 1}",
                            $"daxctl reconfigures devices on add: {lines[i].Trim()}",
                            "daxdev-reconfigure@.service runs daxctl reconfigure-device --check-config once per dax add event, non-atomically",
                            "move the device's policy to daxplug apply (it also reads these sections), then remove the section"));
                    }
                }
            }
        }

        foreach (var dir in RuleDirs)
        {
            var rule = Path.Combine(root, dir, "90-daxctl-device.rules");
            if (File.Exists(rule))
            {
                findings.Add(new Finding(Severity.Info, $"/{dir}/90-daxctl-device.rules", "daxctl's rule starts daxdev-reconfigure@ on every dax add",
                    "it acts only on devices with a daxctl.conf.d section", "nothing needed unless such sections exist"));
                break;
            }
        }
    }

    // ATTR{state}= or ATTR{online}= assigned (not compared).
    [GeneratedRegex("""ATTR\{(state|online)\}\s*=[^=]""")]
    private static partial Regex StateAssignment();
}
