using Builder.Cli.Commands;

namespace Builder.Cli.Tests.Store;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    public void TryParse_GoDuration_GivesSeconds(string text, int seconds)
    {
        Assert.True(GoDuration.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("m10")]
    [InlineData("10m ")]
    public void TryParse_NotADuration_ReturnsFalse(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Fact]
    public void Format_HoursAndMinutes_WritesGoForm() => Assert.Equal("1h30m", GoDuration.Format(TimeSpan.FromMinutes(90)));
}
