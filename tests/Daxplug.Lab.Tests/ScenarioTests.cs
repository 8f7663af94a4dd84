using Daxplug.Kernel;
using Daxplug.Lab.Scenarios;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Lab.Tests;

/// <summary>
/// The lab finds v3's partial unplug from a scenario that only names agents and a machine: a device controller
/// unplugging dax1.0 while a udev-style agent re-onlines one block of its second range into the kernel zone (where
/// the kernel may pin it). On the contract profile the same scenario has no violation.
/// </summary>
public class ScenarioTests
{
    private static readonly ScenarioSpec UnplugVersusZoneMover = new(
        "unplug-vs-zone-mover", "default", "online_movable", KernelZonePinning: true,
        [new AgentSpec("device-unplug", "dax1.0"), new AgentSpec("zone-mover", "dax1.0", [1160])]);

    [Fact]
    public void HotplugV3_PartialUnplugReportedAsSuccess_IsFound_AndItsTraceReplays()
    {
        var found = Explorer.Explore(UnplugVersusZoneMover, KernelChoice.Of(AbiProfile.HotplugV3), schedules: 200);
        Assert.True(found.ContainsKey("false-success"), "v3's partial unplug was not found in 200 schedules");
        var first = found["false-success"].First;
        Assert.Contains("succeeded but 64 block(s) remain", first.Violations.First(v => v.Kind == "false-success").Detail);

        var replay = Explorer.RunOne(UnplugVersusZoneMover, KernelChoice.Of(AbiProfile.HotplugV3), new ReplayStrategy(first.Trace.Select(t => t.Agent).ToList()), first.Seed);
        Assert.Equal(first.Trace, replay.Trace);
        Assert.Equal(first.Violations, replay.Violations);
        Assert.Equal(first.Log, replay.Log);
    }

    [Theory]
    [InlineData(AbiProfile.Hotplug)]
    [InlineData(AbiProfile.StateV7)]
    public void AtomicProfiles_HaveNoViolation(AbiProfile abi)
    {
        var found = Explorer.Explore(UnplugVersusZoneMover, KernelChoice.Of(abi), schedules: 200);
        Assert.Empty(found);
    }
}

/// <summary>The other two defects reviewers found in v3, and daxctl's race on mainline, from the built-in scenarios.</summary>
public class BuiltinScenarioTests
{
    [Theory]
    [InlineData("device-cycle", "false-success", "'unplug' succeeded but 128 block(s) exist")]
    [InlineData("daxctl-devdax", "stranded", "kmem unbind succeeded but 128 block(s) stay until reboot")]
    public void HotplugV3_Defect_IsFound(string scenario, string kind, string detail)
    {
        var found = Explorer.Explore(BuiltinScenarios.Find(scenario)!, KernelChoice.Of(AbiProfile.HotplugV3), schedules: 20);
        Assert.True(found.ContainsKey(kind), $"{scenario}: no {kind}");
        Assert.Contains(detail, found[kind].First.Violations.First(v => v.Kind == kind).Detail);
    }

    /// <summary>Every built-in scenario that is about the series' converged profiles.</summary>
    public static TheoryData<string> AtomicScenarios => new(BuiltinScenarios.All
        .Where(s => s.AppliesTo(AbiProfile.Hotplug) && s.AppliesTo(AbiProfile.StateV7)).Select(s => s.Name));

    [Theory]
    [MemberData(nameof(AtomicScenarios))]
    public void AtomicProfiles_HaveNoViolation(string scenario)
    {
        foreach (var abi in new[] { AbiProfile.Hotplug, AbiProfile.StateV7 })
        {
            Assert.Empty(Explorer.Explore(BuiltinScenarios.Find(scenario)!, KernelChoice.Of(abi), schedules: 100));
        }
    }

    [Fact]
    public void PerBlockUserlandScenarios_AreAboutTheKernelsTheyRaceOn()
    {
        // daxctl v81 and a rebind that does not unplug first never use the attribute; their scenarios are about
        // mainline and v3, and every other scenario is about every profile.
        var scoped = BuiltinScenarios.All.Where(s => s.Abis is not null).ToList();
        Assert.Equal(["daxctl-devdax-vs-udev", "rebind-vs-udev-vs-kdump"], scoped.Select(s => s.Name));
        Assert.All(scoped, s => Assert.All(s.Agents, a => Assert.Contains(a.Kind, new[] { "daxctl-devdax", "udev-onliner", "kmem-rebind", "kdump-reader" })));
        Assert.All(scoped, s => Assert.Equal([AbiProfile.NoAttribute, AbiProfile.HotplugV3], s.Abis!));
    }

    [Fact]
    public void Mainline_DaxctlAgainstAUdevOnliner_StrandsMemoryInSomeSchedules()
    {
        // The window is one lock hand-over wide: DFS (fewest preemptions first) reaches it early.
        var found = Explorer.Explore(BuiltinScenarios.Find("daxctl-devdax-vs-udev")!, KernelChoice.Of(AbiProfile.NoAttribute), "dfs", 300).ByKind;
        Assert.True(found.TryGetValue("stranded", out var stranded), "no schedule stranded memory");
        Assert.InRange(stranded.Count, 1, 299);
    }
}

/// <summary>Saved schedules replay to the same run, and draw as an SVG swimlane.</summary>
public class SavedScheduleTests
{
    [Fact]
    public void SavedSchedule_ReplaysAndDraws()
    {
        var spec = BuiltinScenarios.Find("unplug-vs-zone-mover")!;
        var first = Explorer.Explore(spec, KernelChoice.Of(AbiProfile.HotplugV3), schedules: 10)["false-success"].First;
        var file = Path.Combine(Path.GetTempPath(), $"daxplug-lab-{Guid.NewGuid():n}.json");
        try
        {
            new SavedSchedule(spec.Name, "hotplug-v3", first.Seed, first.Trace.Select(t => t.Agent).ToList()).Save(file);
            var saved = SavedSchedule.Load(file);
            var again = Explorer.RunOne(spec, KernelChoice.Of(AbiProfile.HotplugV3), new ReplayStrategy(saved.Choices), saved.Seed);
            Assert.Equal(first.Log, again.Log);
            var svg = Swimlane.Render("t", again);
            Assert.StartsWith("<svg ", svg);
            Assert.Contains(">device-unplug</text>", svg);
            Assert.Contains(">zone-mover</text>", svg);
            Assert.Contains("false-success: dax1.0: &apos;unplug&apos;".Replace("&apos;", "'"), svg);
            Assert.EndsWith("</svg>\n", svg);
            System.Xml.Linq.XDocument.Parse(svg);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("random")]
    [InlineData("pct")]
    public void Exploration_DoesNotDependOnHowManySchedulesRunAtOnce(string strategy)
    {
        // 600 schedules: more than one batch of the parallel explorer.
        var spec = BuiltinScenarios.Find("unplug-vs-udev-vs-kdump")!;
        var one = Explorer.Explore(spec, KernelChoice.Of(AbiProfile.NoAttribute), strategy, 600, jobs: 1);
        var three = Explorer.Explore(spec, KernelChoice.Of(AbiProfile.NoAttribute), strategy, 600, jobs: 3);
        Assert.NotEmpty(one.ByKind);
        Assert.Equal(one.ByKind.Keys.Order(), three.ByKind.Keys.Order());
        foreach (var (kind, (count, first)) in one.ByKind)
        {
            Assert.Equal(count, three.ByKind[kind].Count);
            Assert.Equal(first.Seed, three.ByKind[kind].First.Seed);
            Assert.Equal(first.Trace, three.ByKind[kind].First.Trace);
        }

        Assert.Equal(one.Reported.OrderBy(kv => kv.Key), three.Reported.OrderBy(kv => kv.Key));
    }
}
