using System.Globalization;
using Daxplug.Control.Files;
using Daxplug.Control.Transitions;

namespace Daxplug.Control.Policy;

/// <summary>
/// Reads daxplug's policy file ("[device]" sections of key = value lines, '#' comments) and daxctl's
/// daxctl.conf.d "[reconfigure-device NAME]" sections (mode, online, movable; their nvdimm.uuid selector cannot
/// match CXL/HMEM devices, so such sections apply to nothing and are reported). Every complaint names the file and
/// the line it is about (a <see cref="BadFileException"/>).
/// </summary>
public static class PolicyFile
{
    private static readonly string[] DeviceKeys = ["name", "region", "resource", "target_node", "size", "mode", "state"];
    private static readonly string[] DaxctlKeys = ["nvdimm.uuid", "mode", "online", "movable"];
    private static readonly string[] Modes = ["system-ram", "devdax"];

    /// <summary>A section: its header, where it starts, and its keys with the line each was given on.</summary>
    private sealed record Section(string Header, int Line, Dictionary<string, (string Value, int Line)> Keys);

    public static List<PolicyRule> Parse(string text, string source, List<string> warnings)
    {
        var rules = new List<PolicyRule>();
        foreach (var section in Sections(text, source))
        {
            rules.AddRange(Rule(section, source, warnings));
        }

        return rules;
    }

    private static List<Section> Sections(string text, string source)
    {
        var sections = new List<Section>();
        Section? current = null;
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            var line = lines[i].Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                var header = line[1..^1].Trim();
                if (header.Length == 0)
                {
                    throw new BadFileException(source, "an empty section header", lineNo);
                }

                current = new Section(header, lineNo, []);
                sections.Add(current);
                continue;
            }

            if (line.StartsWith('['))
            {
                throw new BadFileException(source, $"'{line}': a section header ends with ']'", lineNo);
            }

            int eq = line.IndexOf('=');
            if (current is null || eq <= 0)
            {
                throw new BadFileException(source, current is null ? "expected '[section]' before any 'key = value'" : "expected '[section]' or 'key = value'", lineNo);
            }

            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.Length == 0)
            {
                throw new BadFileException(source, $"'{key}' has no value", lineNo);
            }

            if (current.Keys.TryGetValue(key, out var first))
            {
                throw new BadFileException(source, $"'{key}' is given twice in this section (first on line {first.Line})", lineNo);
            }

            current.Keys[key] = (value, lineNo);
        }

        return sections;
    }

    private static IEnumerable<PolicyRule> Rule(Section section, string source, List<string> warnings)
    {
        var keys = section.Keys;
        var where = $"{source}:{section.Line}";
        if (section.Header.StartsWith("reconfigure-device", StringComparison.Ordinal))
        {
            // daxctl.conf.d: only NVDIMM namespaces are selected, by uuid.
            foreach (var (key, (_, line)) in keys.Where(k => !DaxctlKeys.Contains(k.Key)))
            {
                warnings.Add($"{source}:{line}: '{key}' is not a key daxctl's reconfigure-device sections have; ignored");
            }

            var mode = Choice(keys, "mode", Modes, source);
            bool online = Flag(keys, "online", source), movable = Flag(keys, "movable", source);
            if (keys.TryGetValue("nvdimm.uuid", out var uuid))
            {
                warnings.Add($"{where}: daxctl section selects nvdimm.uuid {uuid.Value}, which no CXL/HMEM device has; not applied");
                yield break;
            }

            // online and movable are about system-ram only, as in daxctl.
            yield return new PolicyRule(where, section.Header["reconfigure-device".Length..].Trim(), null, null, null, null, mode,
                mode == "devdax" || !online ? null : movable ? DeviceState.OnlineMovable : DeviceState.Online);
            yield break;
        }

        if (section.Header != "device")
        {
            throw new BadFileException(source, $"unknown section [{section.Header}] (expected [device])", section.Line);
        }

        foreach (var (key, (_, line)) in keys.Where(k => !DeviceKeys.Contains(k.Key)))
        {
            throw new BadFileException(source, $"unknown key '{key}' (one of: {string.Join(", ", DeviceKeys)})", line);
        }

        var deviceMode = Choice(keys, "mode", Modes, source);
        var state = DeviceState.Parse(Choice(keys, "state", [.. DeviceState.TargetNames], source));
        if (deviceMode is null && state is null)
        {
            throw new BadFileException(source, "this [device] section sets neither mode nor state: it would change nothing", section.Line);
        }

        if (deviceMode == "devdax" && state is not null && state != DeviceState.Unplugged)
        {
            throw new BadFileException(source, $"state = {state} contradicts mode = devdax (on line {keys["mode"].Line}): a devdax device has no memory online", keys["state"].Line);
        }

        yield return new PolicyRule(where, keys.TryGetValue("name", out var name) ? name.Value : null,
            (int?)Number(keys, "region", source, int.MaxValue), Number(keys, "resource", source, ulong.MaxValue),
            (int?)Number(keys, "target_node", source, int.MaxValue), Number(keys, "size", source, ulong.MaxValue, units: true), deviceMode, state);
    }

    private static string? Choice(Dictionary<string, (string Value, int Line)> keys, string key, string[] allowed, string source) =>
        !keys.TryGetValue(key, out var v) ? null
            : allowed.Contains(v.Value) ? v.Value
            : throw new BadFileException(source, $"{key} must be one of {string.Join(", ", allowed)}, not '{v.Value}'", v.Line);

    // daxctl's booleans: absent means true.
    private static bool Flag(Dictionary<string, (string Value, int Line)> keys, string key, string source) =>
        !keys.TryGetValue(key, out var v) || v.Value switch
        {
            "true" => true,
            "false" => false,
            _ => throw new BadFileException(source, $"{key} must be true or false, not '{v.Value}'", v.Line),
        };

    // A number: decimal or 0x hex, with a K/M/G/T (binary) suffix where <paramref name="units"/>; at most max.
    private static ulong? Number(Dictionary<string, (string Value, int Line)> keys, string key, string source, ulong max, bool units = false)
    {
        if (!keys.TryGetValue(key, out var v))
        {
            return null;
        }

        var text = v.Value;
        int shift = 0;
        if (units && text.Length > 1 && "KMGT".IndexOf(char.ToUpperInvariant(text[^1])) is var u and >= 0)
        {
            shift = 10 * (u + 1);
            text = text[..^1];
        }

        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!ulong.TryParse(hex ? text[2..] : text, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || n > max >> shift)
        {
            throw new BadFileException(source, $"{key}: '{v.Value}' is not a whole number from 0 to {max}{(units ? " (bytes; K, M, G, T suffixes)" : "")}", v.Line);
        }

        return n << shift;
    }
}
