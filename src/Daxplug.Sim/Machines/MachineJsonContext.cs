using System.Text.Json.Serialization;
using Daxplug.Kernel.Machines;

namespace Daxplug.Sim.Machines;

/// <summary>Machine descriptions and saved kernels as JSON (source-generated: NativeAOT has no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(MachineSpec))]
[JsonSerializable(typeof(SimStateFile))]
internal sealed partial class MachineJsonContext : JsonSerializerContext;
