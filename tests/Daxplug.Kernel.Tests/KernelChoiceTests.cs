namespace Daxplug.Kernel.Tests;

/// <summary>The names a user picks a kernel by: a release as it shipped, or a revision of the series on a release.</summary>
public class KernelChoiceTests
{
    [Theory]
    [InlineData("7.3", "7.3", AbiProfile.StateV7)]
    [InlineData("7.2", "7.2", AbiProfile.NoAttribute)]
    [InlineData("6.1", "6.1", AbiProfile.NoAttribute)]
    [InlineData("7.1", "7.1", AbiProfile.NoAttribute)]
    [InlineData("7.4", "7.4", AbiProfile.StateV7)]
    [InlineData("7.3.4", "7.3", AbiProfile.StateV7)]
    [InlineData("6.18.15+deb13-amd64", "6.18", AbiProfile.NoAttribute)]
    [InlineData("hotplug", "7.2", AbiProfile.Hotplug)]
    [InlineData("hotplug-v3", "7.2", AbiProfile.HotplugV3)]
    [InlineData("hotplug-v3@6.18", "6.18", AbiProfile.HotplugV3)]
    [InlineData("state-v7@6.18", "6.18", AbiProfile.StateV7)]
    [InlineData("none@7.3", "7.3", AbiProfile.NoAttribute)]
    public void Parse_GivesTheReleaseAndTheAttribute(string name, string release, AbiProfile abi)
    {
        var choice = KernelChoice.Parse(name)!;
        Assert.Equal((KernelRelease.Parse(release), abi), (choice.Release, choice.Abi));
    }

    [Theory]
    [InlineData("")]
    [InlineData("mainline")]
    [InlineData("v3")]
    [InlineData("7")]
    [InlineData("7.x")]
    [InlineData("hotplug@")]
    [InlineData("hotplug@seven")]
    [InlineData("7.2@6.1")]
    [InlineData("@6.18")]
    public void Parse_AnythingElse_IsNull(string name) => Assert.Null(KernelChoice.Parse(name));

    [Theory]
    [InlineData("7.3", AbiProfile.StateV7, "7.3")]
    [InlineData("7.2", AbiProfile.NoAttribute, "7.2")]
    [InlineData("7.2", AbiProfile.Hotplug, "hotplug")]
    [InlineData("6.18", AbiProfile.HotplugV3, "hotplug-v3@6.18")]
    [InlineData("6.18", AbiProfile.StateV7, "state-v7@6.18")]
    [InlineData("7.3", AbiProfile.NoAttribute, "none@7.3")]
    public void Of_NamesAModelSoThatParseGivesItBack(string release, AbiProfile abi, string name)
    {
        var choice = KernelChoice.Of(KernelRelease.Parse(release), abi);
        Assert.Equal(name, choice.Name);
        Assert.Equal((choice.Release, choice.Abi), (KernelChoice.Parse(name)!.Release, KernelChoice.Parse(name)!.Abi));
    }

    [Fact]
    public void TheDefaultIs73_AndTheLabHasOneColumnPerAttribute()
    {
        Assert.Equal("7.3", KernelChoice.Default.Name);
        Assert.Equal(["7.2", "hotplug", "hotplug-v3", "7.3"], KernelChoice.Lab.Select(k => k.Name));
        Assert.Equal(Enum.GetValues<AbiProfile>().Length, KernelChoice.Lab.Select(k => k.Abi).Distinct().Count());
    }
}
