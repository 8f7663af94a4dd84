using System.Text.Json;
using System.Text.Json.Serialization;
using Daxplug.Control.Files;
using Daxplug.Kernel;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab;

/// <summary>A schedule on disk: which scenario on which kernel (a <see cref="KernelChoice"/> name), and the agent chosen at every step.</summary>
public sealed record SavedSchedule(string Scenario, string Kernel, int Seed, List<int> Choices)
{
    public void Save(string path) => AtomicFile.Write(path, JsonSerializer.Serialize(this, SavedScheduleJson.Default.SavedSchedule));

    /// <summary>
    /// Reads a schedule and checks it against the scenario it names: a file that is not one (bad JSON, an unknown
    /// scenario or kernel, a choice of an agent the scenario does not have) is a <see cref="BadFileException"/>.
    /// </summary>
    public static SavedSchedule Load(string path)
    {
        SavedSchedule? saved;
        try
        {
            saved = JsonSerializer.Deserialize(File.ReadAllText(path), SavedScheduleJson.Default.SavedSchedule);
        }
        catch (JsonException e)
        {
            throw BadFileException.FromJson(path, e);
        }

        if (saved is null)
        {
            throw new BadFileException(path, "null is not a saved schedule");
        }

        var spec = BuiltinScenarios.Find(saved.Scenario ?? "")
                   ?? throw new BadFileException(path, $"scenario: '{saved.Scenario}' is not one of {string.Join(", ", BuiltinScenarios.All.Select(s => s.Name))}");
        if (KernelChoice.Parse(saved.Kernel ?? "") is null)
        {
            throw new BadFileException(path, $"kernel: '{saved.Kernel}' is not one of {KernelChoice.Names}");
        }

        if (saved.Choices is null || saved.Choices.Count == 0)
        {
            throw new BadFileException(path, "choices: a schedule has at least one step");
        }

        int bad = saved.Choices.FindIndex(c => c < 0 || c >= spec.Agents.Count);
        if (bad >= 0)
        {
            throw new BadFileException(path, $"choices[{bad}]: agent {saved.Choices[bad]} is not one of {spec.Name}'s (0-{spec.Agents.Count - 1})");
        }

        return saved;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(SavedSchedule))]
internal sealed partial class SavedScheduleJson : JsonSerializerContext;
