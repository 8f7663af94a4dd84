using Daxplug.Control.Discovery;
using Daxplug.Control.Transitions;

namespace Daxplug.Control.Tests;

/// <summary>The controller's state vocabulary and each revision's words for it.</summary>
public class DeviceStateTests
{
    [Fact]
    public void Names_RoundTrip_AndOfflineIsShownButNotATarget()
    {
        foreach (var name in new[] { "unplugged", "offline", "mixed", "online", "online_kernel", "online_movable" })
        {
            Assert.Equal(name, DeviceState.Parse(name)!.ToString());
        }

        Assert.Null(DeviceState.Parse("unplug"));
        Assert.False(DeviceState.Offline.IsTarget);
        Assert.Equal(["unplugged", "online", "online_kernel", "online_movable"], DeviceState.TargetNames);
    }

    [Theory]
    [InlineData(AttributeKind.Hotplug, "unplugged", "unplug")]
    [InlineData(AttributeKind.Hotplug, "online_movable", "online_movable")]
    [InlineData(AttributeKind.Hotplug, "online_kernel", null)]
    [InlineData(AttributeKind.State, "unplugged", "unplugged")]
    [InlineData(AttributeKind.State, "online_kernel", "online_kernel")]
    [InlineData(AttributeKind.State, "offline", null)]
    public void EachRevision_HasItsOwnWords(AttributeKind kind, string state, string? word) =>
        Assert.Equal(word, AttributeWords.For(kind, DeviceState.Parse(state)!));
}
