using Daxplug.Kernel;
using Daxplug.Lab.Scenarios;
using Daxplug.Lab.Scheduling;

namespace Daxplug.Lab.Tests;

/// <summary>PCT and bounded DFS, and the daxplug controller as an agent of the lab.</summary>
public class StrategyTests
{
    private static ScenarioSpec Scenario(string name) => BuiltinScenarios.Find(name)!;

    [Fact]
    public void Pct_SameSeedSameSchedule_AndItReplays()
    {
        var spec = Scenario("daxctl-devdax-vs-udev");
        var a = Explorer.RunOne(spec, KernelChoice.Of(AbiProfile.NoAttribute), new PctStrategy(7, 3, 100), 7);
        var b = Explorer.RunOne(spec, KernelChoice.Of(AbiProfile.NoAttribute), new PctStrategy(7, 3, 100), 7);
        Assert.Equal(a.Trace, b.Trace);
        var replay = Explorer.RunOne(spec, KernelChoice.Of(AbiProfile.NoAttribute), new ReplayStrategy(a.Trace.Select(t => t.Agent).ToList()), 7);
        Assert.Equal(a.Log, replay.Log);
    }

    [Fact]
    public void Pct_FindsTheSplitRaceMoreOftenThanRandom()
    {
        var spec = Scenario("unplug-vs-udev");
        int random = Explorer.Explore(spec, KernelChoice.Of(AbiProfile.NoAttribute), "random", 100).ByKind.GetValueOrDefault("split").Count;
        int pct = Explorer.Explore(spec, KernelChoice.Of(AbiProfile.NoAttribute), "pct", 100).ByKind.GetValueOrDefault("split").Count;
        Assert.True(pct > random && pct >= 10, $"pct {pct}, random {random} of 100");
    }

    [Fact]
    public void Dfs_EnumeratesDistinctSchedules_AndExhaustsABoundOfZero()
    {
        var spec = Scenario("daxctl-devdax-vs-udev");
        // No preemptions: one schedule per choice of who starts (plus choices where an agent blocks or ends).
        var none = Explorer.Explore(spec, KernelChoice.Of(AbiProfile.NoAttribute), "dfs", 1000, dfsBound: 0);
        Assert.True(none.Exhausted);
        Assert.InRange(none.Schedules, 2, 20);

        var traces = new HashSet<string>();
        List<int>? prefix = [];
        for (int i = 0; i < 30 && prefix is not null; i++)
        {
            var dfs = new DfsStrategy(prefix);
            var result = Explorer.RunOne(spec, KernelChoice.Of(AbiProfile.NoAttribute), dfs, i);
            Assert.True(traces.Add(string.Join(",", result.Trace.Select(t => t.Agent))), $"schedule {i} repeats an earlier one");
            Assert.True(dfs.Steps.Count(s => s.PreviousRunnable && s.Position > 0) <= 1);
            prefix = dfs.NextPrefix(1);
        }
    }

    [Theory]
    [InlineData("daxplug-unplug-vs-udev", "pct")]
    [InlineData("daxplug-unplug-vs-udev", "dfs")]
    [InlineData("daxplug-unplug-vs-zone-mover", "random")]
    public void Mainline_DaxplugHasNoUndetectedViolation_WhereDaxctlStrandsMemory(string scenario, string strategy)
    {
        var found = Explorer.Explore(Scenario(scenario), KernelChoice.Of(AbiProfile.NoAttribute), strategy, 60);
        Assert.Empty(found.ByKind);
        Assert.NotEmpty(found.Reported); // it does fail in some schedules, and says so (exit 1 or 3)
        Assert.All(found.Reported.Keys, k => Assert.Matches("^daxplug-exit-[13]$", k));
    }

    [Fact]
    public void Mainline_DaxctlInTheSameRace_StrandsSilently()
    {
        var found = Explorer.Explore(Scenario("daxctl-devdax-vs-udev"), KernelChoice.Of(AbiProfile.NoAttribute), "dfs", 60);
        Assert.True(found.ByKind.ContainsKey("stranded"));
    }

    [Theory]
    [InlineData(AbiProfile.Hotplug)]
    [InlineData(AbiProfile.StateV7)]
    public void AtomicProfiles_DaxplugHasNoViolation(AbiProfile abi)
    {
        var found = Explorer.Explore(Scenario("daxplug-unplug-vs-udev"), KernelChoice.Of(abi), "pct", 40);
        Assert.Empty(found.ByKind);
    }

    [Fact]
    public void Mainline_PerBlockUnplugAgainstAnOnliner_LeavesASplitDeviceNobodyReports()
    {
        var found = Explorer.Explore(Scenario("unplug-vs-udev"), KernelChoice.Of(AbiProfile.NoAttribute), "pct", 100);
        Assert.True(found.ByKind.ContainsKey("split"), "no split device in 100 PCT schedules");
        Assert.Contains("some blocks online, some offline", found.ByKind["split"].First.Violations.First(v => v.Kind == "split").Detail);
        Assert.Empty(Explorer.Explore(Scenario("unplug-vs-udev"), KernelChoice.Of(AbiProfile.Hotplug), "pct", 100).ByKind);
    }

    [Theory]
    [InlineData(AbiProfile.NoAttribute)]
    [InlineData(AbiProfile.StateV7)]
    public void KmemRebindAgainstAnOnliner_StrandsOnEveryProfile_AndReadsStayClean(AbiProfile abi)
    {
        // Unbinding kmem is not covered by the attribute: an onliner that wins the race leaves memory the unbind
        // cannot remove; the kdump-style reader meanwhile sees only valid values or ENOENT.
        var found = Explorer.Explore(Scenario("rebind-vs-udev-vs-kdump"), KernelChoice.Of(abi), "random", 40);
        Assert.True(found.ByKind.ContainsKey("stranded"));
        Assert.False(found.ByKind.ContainsKey("read-error"));
        Assert.False(found.ByKind.ContainsKey("inconsistent"));
    }
}
