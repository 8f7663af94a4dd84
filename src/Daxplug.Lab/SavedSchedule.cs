using System.Text.Json;
using System.Text.Json.Serialization;

namespace Daxplug.Lab;

/// <summary>A schedule on disk: which scenario on which profile, and the agent chosen at every step.</summary>
public sealed record SavedSchedule(string Scenario, string Abi, int Seed, List<int> Choices)
{
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, SavedScheduleJson.Default.SavedSchedule));

    public static SavedSchedule Load(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), SavedScheduleJson.Default.SavedSchedule) ?? throw new FormatException($"{path}: empty");
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SavedSchedule))]
internal sealed partial class SavedScheduleJson : JsonSerializerContext;
