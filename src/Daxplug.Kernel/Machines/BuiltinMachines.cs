using System.Text.Json;

namespace Daxplug.Kernel.Machines;

/// <summary>The machines that need no file: "default" (embedded JSON) and "host" (read from this machine).</summary>
public static class BuiltinMachines
{
    public static IReadOnlyList<string> Names { get; } = ["default", "tib", "qemu", "host"];

    /// <summary>A built-in by name, or a machine JSON file by path.</summary>
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
            return Parse(new StreamReader(stream).ReadToEnd(), nameOrPath);
        }

        if (!File.Exists(nameOrPath))
        {
            throw new FileNotFoundException($"no built-in machine or file named '{nameOrPath}' (built-ins: {string.Join(", ", Names)})");
        }

        return Parse(File.ReadAllText(nameOrPath), nameOrPath);
    }

    /// <summary>Parses machine JSON; a malformed file is a FormatException naming it.</summary>
    public static MachineSpec Parse(string json, string origin)
    {
        try
        {
            return JsonSerializer.Deserialize(json, MachineJsonContext.Default.MachineSpec)
                   ?? throw new FormatException($"{origin}: empty machine description");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{origin}: {e.Message}", e);
        }
    }

    /// <summary>The JSON text of a machine description.</summary>
    public static string ToJson(MachineSpec spec) => JsonSerializer.Serialize(spec, MachineJsonContext.Default.MachineSpec);
}
