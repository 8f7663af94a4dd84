using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Daxplug.Kernel;
using Daxplug.Kernel.Machines;
using Daxplug.Kernel.Sysfs;

namespace Daxplug.Sim.Machines;

/// <summary>The machines that need no file: "default" (embedded JSON) and "host" (read from this machine).</summary>
public static class BuiltinMachines
{
    public static IReadOnlyList<string> Names { get; } = ["default", "tib", "qemu", "lab", "host"];

    /// <summary>
    /// A built-in by name, or a machine JSON file by path: a <see cref="FileNotFoundException"/> for neither, a
    /// <see cref="JsonException"/> for a file that is not a machine description.
    /// </summary>
    public static MachineSpec Load(string nameOrPath)
    {
        if (nameOrPath == "host")
        {
            return HostMachine.Read();
        }

        if (Names.Contains(nameOrPath))
        {
            using var stream = typeof(BuiltinMachines).Assembly.GetManifestResourceStream($"machines/{nameOrPath}.json")
                               ?? throw new InvalidOperationException($"built-in machine {nameOrPath} is missing");
            return Parse(new StreamReader(stream).ReadToEnd());
        }

        if (Directory.Exists(nameOrPath))
        {
            return SysfsMachine.IsSysroot(nameOrPath)
                ? SysfsMachine.Read(nameOrPath)
                : throw new FileNotFoundException($"'{nameOrPath}' is a directory without sys/devices/system/memory (a sysroot, as lsmem --sysroot takes)");
        }

        if (!File.Exists(nameOrPath))
        {
            throw new FileNotFoundException($"no built-in machine, file or sysroot named '{nameOrPath}' (built-ins: {string.Join(", ", Names)})");
        }

        return Parse(File.ReadAllText(nameOrPath));
    }

    /// <summary>Parses machine JSON; text that is not a machine description is a <see cref="JsonException"/>.</summary>
    public static MachineSpec Parse(string json) =>
        JsonSerializer.Deserialize(json, MachineJsonContext.Default.MachineSpec) ?? throw new JsonException("null is not a machine description", null, 0, 0);

    /// <summary>
    /// The machine with top-level fields replaced, each "field=value" (as in the JSON, case-insensitive): a list
    /// field takes comma-separated items, a number or boolean field its text; an unknown field or a bad value is a
    /// FormatException.
    /// </summary>
    public static MachineSpec WithFields(MachineSpec spec, IEnumerable<string> assignments)
    {
        var node = JsonSerializer.SerializeToNode(spec, MachineJsonContext.Default.MachineSpec)!.AsObject();
        foreach (var assignment in assignments)
        {
            int eq = assignment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"--set '{assignment}': expected FIELD=VALUE");
            }

            var field = assignment[..eq];
            var text = assignment[(eq + 1)..];
            var name = node.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, field, StringComparison.OrdinalIgnoreCase))
                       ?? throw new FormatException($"--set {field}: no such machine field (fields: {string.Join(", ", node.Select(p => p.Key))})");
            node[name] = node[name] switch
            {
                JsonArray a when a.Count > 0 && a[0] is JsonObject => throw new FormatException($"--set {name}: a list of objects cannot be set here; edit a machine file"),
                JsonArray a when a.Count > 0 && a[0]!.GetValueKind() == JsonValueKind.Number =>
                    new JsonArray(Split(text).Select(t => (JsonNode)JsonValue.Create(ParseNumber(name, t))).ToArray()),
                JsonArray => new JsonArray(Split(text).Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => JsonValue.Create(ParseNumber(name, text)),
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False =>
                    JsonValue.Create(bool.TryParse(text, out var b) ? b : throw new FormatException($"--set {name}: '{text}' is not true or false")),
                _ => JsonValue.Create(text),
            };
        }

        try
        {
            return node.Deserialize(MachineJsonContext.Default.MachineSpec)!;
        }
        catch (JsonException e)
        {
            // A value of the right kind but out of the field's range (a negative count, a number too large).
            var field = e.Path?.TrimStart('$', '.') ?? "";
            throw new FormatException(node.ContainsKey(field) ? $"--set {field}: '{node[field]}' is out of range for this field" : $"--set: {e.Message}", e);
        }

        static string[] Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        static long ParseNumber(string name, string text) =>
            long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
                : throw new FormatException($"--set {name}: '{text}' is not a number");
    }

    /// <summary>The JSON text of a machine description.</summary>
    public static string ToJson(MachineSpec spec) => JsonSerializer.Serialize(spec, MachineJsonContext.Default.MachineSpec);
}
