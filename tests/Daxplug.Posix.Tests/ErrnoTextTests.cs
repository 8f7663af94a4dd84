namespace Daxplug.Posix.Tests;

/// <summary>The one errno table (Daxplug.Posix): names as the enum spells them, texts as glibc's strerror().</summary>
public sealed class ErrnoTextTests
{
    [Fact]
    public void Name_NamedErrno_IsTheEnumMember()
    {
        foreach (var errno in Enum.GetValues<Errno>())
        {
            Assert.Equal(errno.ToString(), ErrnoText.Name(errno));
        }
    }

    [Theory]
    [InlineData(122, "122")]
    [InlineData(511, "511")]
    [InlineData(-1, "-1")]
    public void Name_UnnamedErrno_IsTheNumber(int errno, string name) => Assert.Equal(name, ErrnoText.Name((Errno)errno));

    [Theory]
    [InlineData(0, "Success")]
    [InlineData(22, "Invalid argument")]
    [InlineData(95, "Operation not supported")]
    [InlineData(122, "Disk quota exceeded")]
    [InlineData(133, "Memory page has hardware error")]
    [InlineData(41, "Unknown error 41")]
    [InlineData(511, "Unknown error 511")]
    public void Describe_Errno_IsGlibcsText(int errno, string text) => Assert.Equal(text, ErrnoText.Describe((Errno)errno));
}
