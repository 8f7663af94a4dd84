using Daxplug.Kernel;
using Daxplug.Lab.Agents;
using Daxplug.Lab.Scenarios;

namespace Daxplug.Lab.Tests;

/// <summary>The agent table: every name a built-in scenario uses is in it once, makes the class of that name, and
/// a name not in it is refused when the agent is made (as an unknown strategy is).</summary>
public class AgentKindsTests
{
    [Fact]
    public void All_NamesAreDistinct()
    {
        Assert.Equal(AgentKinds.All.Length, AgentKinds.All.Select(k => k.Name).Distinct().Count());
    }

    [Fact]
    public void Find_EveryAgentOfTheBuiltinScenarios_IsRegistered()
    {
        Assert.All(BuiltinScenarios.All.SelectMany(s => s.Agents), a => Assert.NotNull(AgentKinds.Find(a.Kind)));
    }

    [Fact]
    public void Create_EveryKind_MakesTheClassOfItsName()
    {
        var spec = BuiltinScenarios.Find("unplug-vs-udev")!;
        var run = new ScenarioRun(spec, KernelChoice.Of(AbiProfile.Hotplug));
        foreach (var kind in AgentKinds.All)
        {
            var agent = run.Create(new AgentSpec(kind.Name, "dax1.0"), () => 0);
            Assert.Equal(kind.Name, agent.GetType().GetField("Name")!.GetValue(null));
        }
    }

    [Fact]
    public void Create_UnknownKind_IsFormatException()
    {
        var spec = BuiltinScenarios.Find("unplug-vs-udev")!;
        var run = new ScenarioRun(spec, KernelChoice.Of(AbiProfile.Hotplug));
        var e = Assert.Throws<FormatException>(() => run.Create(new AgentSpec("udev-onlinr", "dax1.0"), () => 0));
        Assert.Equal("unknown agent kind 'udev-onlinr'", e.Message);
    }

    [Fact]
    public void Claims_ControllersOnly()
    {
        Assert.Equal(["device-unplug", "device-cycle", "daxctl-devdax", "daxplug", "kmem-rebind"],
            AgentKinds.All.Where(k => k.Claims).Select(k => k.Name));
        Assert.False(AgentKinds.Claims("no-such-agent"));
    }

    [Fact]
    public void OwnThread_OnlyTheDaxplugController()
    {
        var spec = BuiltinScenarios.Find("unplug-vs-udev")!;
        var run = new ScenarioRun(spec, KernelChoice.Of(AbiProfile.Hotplug));
        Assert.Equal(["daxplug"], AgentKinds.All.Where(k => run.Create(new AgentSpec(k.Name, "dax1.0"), () => 0).OwnThread).Select(k => k.Name));
    }
}
