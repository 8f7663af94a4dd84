using Daxplug.Control.Discovery;
using Daxplug.Control.Policy;
using Daxplug.Control.Transitions;
using Daxplug.Kernel;

namespace Daxplug.Control.Tests;

public sealed class PolicyTests : IDisposable
{
    private readonly TempDir tmp = new();

    public void Dispose() => tmp.Dispose();

    [Fact]
    public void Parse_SectionsSelectorsAndDaxctlSections()
    {
        var warnings = new List<string>();
        var rules = PolicyFile.Parse("""
            # daxplug policy
            [device]
            target_node = 3
            size = 16G
            state = online_movable

            [device]
            name = dax0.*   # every device of region 0
            mode = devdax
            """, "p.conf", warnings);
        Assert.Equal(2, rules.Count);
        Assert.Equal((3, 16UL << 30, "online_movable"), (rules[0].TargetNode!.Value, rules[0].Size!.Value, rules[0].State!.Name));
        Assert.Equal(("dax0.*", "devdax"), (rules[1].Name!, rules[1].Mode!));
        Assert.Equal("p.conf:7", rules[1].Source);

        var daxctl = PolicyFile.Parse("[reconfigure-device ns0]\nnvdimm.uuid = 1234\nmode = system-ram\n", "dax.conf", warnings);
        Assert.Empty(daxctl);
        Assert.Contains("nvdimm.uuid 1234", warnings.Single());
    }

    [Theory]
    [InlineData("[device]\nbogus = 1\n", "unknown key 'bogus'")]
    [InlineData("[device]\nstate = online_fast\n", "state must be one of")]
    [InlineData("[devices]\nstate = online\n", "unknown section [devices]")]
    [InlineData("state = online\n", "expected '[section]'")]
    public void Parse_BadInput_SaysWhereAndWhat(string text, string message)
    {
        var e = Assert.Throws<Daxplug.Control.Files.BadFileException>(() => PolicyFile.Parse(text, "p.conf", []));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("p.conf:", e.Message);
    }

    [Theory]
    [InlineData(AbiProfile.NoAttribute)]
    [InlineData(AbiProfile.Hotplug)]
    [InlineData(AbiProfile.StateV7)]
    public void Apply_ConvergesAndIsIdempotent(AbiProfile abi)
    {
        var s = TestSysfs.Boot(abi);
        var rules = PolicyFile.Parse("[device]\ntarget_node = 3\nstate = online_movable\n[device]\nname = dax0.0\nmode = devdax\n", "p", []);
        var apply = new Apply(s, new Controller(s, new StateDir(tmp.Path)));
        var first = apply.Run(rules);
        Assert.All(first, r => Assert.Equal(OutcomeCode.Done, r.Outcome.Code));
        Assert.Equal("online_movable", Discover.Device(s, "dax1.0")!.State.Name);
        Assert.Equal("device_dax", Discover.Device(s, "dax0.0")!.Driver);
        int writes = s.Writes;
        var second = apply.Run(rules);
        Assert.All(second, r => Assert.Contains("already", r.Outcome.Message));
        Assert.Equal(writes, s.Writes);
        Assert.Empty(Invariants.Check(s.Kernel));
    }
}
