using Daxplug.Kernel.Sysfs;

namespace Daxplug.Kernel.Tests;

public class SysfsTextTests
{
    [Theory]
    [InlineData("online", "online", true)]
    [InlineData("online\n", "online", true)]
    [InlineData("online\n\n", "online", false)]
    [InlineData(" online", "online", false)]
    [InlineData("onlinex", "online", false)]
    [InlineData("onl", "online", false)]
    [InlineData("", "online", false)]
    [InlineData("\n", "", true)]
    public void Streq_MatchesSysfsStreq(string buf, string literal, bool expected) =>
        Assert.Equal(expected, SysfsText.Streq(buf, literal));

    [Theory]
    [InlineData("1", true)]
    [InlineData("1abc", true)]
    [InlineData("y", true)]
    [InlineData("Yes please", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("on", true)]
    [InlineData("ON", true)]
    [InlineData("0", false)]
    [InlineData("n", false)]
    [InlineData("F", false)]
    [InlineData("off", false)]
    [InlineData("oF", false)]
    public void KstrToBool_FirstCharactersDecide(string text, bool expected)
    {
        Assert.Equal(Errno.None, SysfsText.KstrToBool(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("o")]
    [InlineData("ox")]
    [InlineData("2")]
    [InlineData(" 1")]
    [InlineData("\n")]
    [InlineData("maybe")]
    public void KstrToBool_Other_IsEinval(string text) =>
        Assert.Equal(Errno.EINVAL, SysfsText.KstrToBool(text, out _));

    [Theory]
    [InlineData("0x10", 0, 16UL)]
    [InlineData("010", 0, 8UL)]
    [InlineData("10\n", 0, 10UL)]
    [InlineData("+7", 10, 7UL)]
    [InlineData("0", 0, 0UL)]
    [InlineData("ff", 16, 255UL)]
    [InlineData("0xff", 16, 255UL)]
    [InlineData("18446744073709551615", 10, ulong.MaxValue)]
    public void KstrToUll_Parses(string text, int radix, ulong expected)
    {
        Assert.Equal(Errno.None, SysfsText.KstrToUll(text, radix, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("", Errno.EINVAL)]
    [InlineData("0x", Errno.EINVAL)]
    [InlineData("09", Errno.EINVAL)]
    [InlineData("10\n\n", Errno.EINVAL)]
    [InlineData("-1", Errno.EINVAL)]
    [InlineData("1 ", Errno.EINVAL)]
    [InlineData("18446744073709551616", Errno.ERANGE)]
    public void KstrToUll_Rejects(string text, Errno expected) =>
        Assert.Equal(expected, SysfsText.KstrToUll(text, 0, out _));

    [Theory]
    [InlineData("-12", -12L)]
    [InlineData("-0x10", -16L)]
    [InlineData("5\n", 5L)]
    public void KstrToLong_Signed(string text, long expected)
    {
        Assert.Equal(Errno.None, SysfsText.KstrToLong(text, 0, int.MinValue, int.MaxValue, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void KstrToLong_OutOfRange_IsErange() =>
        Assert.Equal(Errno.ERANGE, SysfsText.KstrToLong("4294967296", 0, int.MinValue, int.MaxValue, out _));

    [Fact]
    public void CString_StopsAtNul() =>
        Assert.Equal("online", SysfsText.CString("online\0junk"u8));

    [Fact]
    public void KernelFormat_MatchesKernelPrintf()
    {
        Assert.Equal("0x0", KernelFormat.HexPrefixed(0));
        Assert.Equal("0x100000000", KernelFormat.HexPrefixed(0x100000000));
        Assert.Equal("000000bf", KernelFormat.Hex(191, 8));
        Assert.Equal("0-3,5,7-8", KernelFormat.BitmapList([8, 0, 1, 2, 3, 5, 7]));
        Assert.Equal("", KernelFormat.BitmapList([]));
        Assert.Equal("3", KernelFormat.BitmapHex([0, 1], 2));
        Assert.Equal("0000ff00", KernelFormat.BitmapHex(Enumerable.Range(8, 8), 32));
        Assert.Equal("1,00000000", KernelFormat.BitmapHex([32], 33));
    }
}
