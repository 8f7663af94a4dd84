using System.Globalization;
using Daxplug.Control.Discovery;

namespace Daxplug.Control.Policy;

/// <summary>
/// One desired state for the devices a section selects. Selectors (all given must match): name (a glob), region
/// id, resource (first range start), target node, size; "mode" (system-ram/devdax) and "state" say what to converge to.
/// </summary>
public sealed record PolicyRule(string Source, string? Name, int? Region, ulong? Resource, int? TargetNode, ulong? Size, string? Mode, string? State)
{
    public bool Matches(DeviceInfo d) =>
        (Name is null || System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(Name, d.Name)) &&
        (Region is null || Region == d.Region.Id) &&
        (Resource is null || (d.Mappings.Count > 0 && d.Mappings[0].Start == Resource)) &&
        (TargetNode is null || TargetNode == d.TargetNode) &&
        (Size is null || Size == d.Size);
}

/// <summary>
/// Reads daxplug's policy file ("[device]" sections of key = value lines, '#' comments) and daxctl's
/// daxctl.conf.d "[reconfigure-device NAME]" sections (mode, online, movable; their nvdimm.uuid selector cannot
/// match CXL/HMEM devices, so such sections apply to nothing and are reported).
/// </summary>
public static class PolicyFile
{
    public static List<PolicyRule> Parse(string text, string source, List<string> warnings)
    {
        var rules = new List<PolicyRule>();
        Dictionary<string, string>? current = null;
        string header = "";
        int headerLine = 0;
        var lines = text.Split('\n');
        for (int i = 0; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i].Split('#')[0].Trim() : "[]";
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                if (current is not null)
                {
                    rules.AddRange(Rule(current, header, $"{source}:{headerLine}", warnings));
                }

                header = line[1..^1].Trim();
                headerLine = i + 1;
                current = header.Length == 0 ? null : [];
                continue;
            }

            int eq = line.IndexOf('=');
            if (current is null || eq <= 0)
            {
                throw new FormatException($"{source}:{i + 1}: expected '[section]' or 'key = value'");
            }

            current[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }

        return rules;
    }

    private static IEnumerable<PolicyRule> Rule(Dictionary<string, string> keys, string header, string where, List<string> warnings)
    {
        if (header.StartsWith("reconfigure-device", StringComparison.Ordinal))
        {
            // daxctl.conf.d: only NVDIMM namespaces are selected, by uuid.
            var state = keys.GetValueOrDefault("online", "true") == "false" ? null
                : keys.GetValueOrDefault("movable", "true") == "false" ? "online" : "online_movable";
            if (keys.ContainsKey("nvdimm.uuid"))
            {
                warnings.Add($"{where}: daxctl section selects nvdimm.uuid {keys["nvdimm.uuid"]}, which no CXL/HMEM device has; not applied");
                yield break;
            }

            yield return new PolicyRule(where, header["reconfigure-device".Length..].Trim(), null, null, null, null, keys.GetValueOrDefault("mode"), state);
            yield break;
        }

        if (header != "device")
        {
            throw new FormatException($"{where}: unknown section [{header}] (expected [device])");
        }

        foreach (var key in keys.Keys.Except(["name", "region", "resource", "target_node", "size", "mode", "state"]))
        {
            throw new FormatException($"{where}: unknown key '{key}'");
        }

        var mode = keys.GetValueOrDefault("mode");
        if (mode is not (null or "system-ram" or "devdax"))
        {
            throw new FormatException($"{where}: mode must be system-ram or devdax");
        }

        var st = keys.GetValueOrDefault("state");
        if (st is not null && !Transitions.Controller.Targets.Contains(st))
        {
            throw new FormatException($"{where}: state must be one of {string.Join(", ", Transitions.Controller.Targets)}");
        }

        yield return new PolicyRule(where, keys.GetValueOrDefault("name"),
            keys.TryGetValue("region", out var r) ? int.Parse(r, CultureInfo.InvariantCulture) : null,
            keys.TryGetValue("resource", out var res) ? ParseNumber(res) : null,
            keys.TryGetValue("target_node", out var n) ? int.Parse(n, CultureInfo.InvariantCulture) : null,
            keys.TryGetValue("size", out var size) ? ParseNumber(size) : null, mode, st);
    }

    private static ulong ParseNumber(string s) => s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        ? ulong.Parse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
        : s.EndsWith('G') ? ulong.Parse(s[..^1], CultureInfo.InvariantCulture) << 30
        : ulong.Parse(s, CultureInfo.InvariantCulture);
}
