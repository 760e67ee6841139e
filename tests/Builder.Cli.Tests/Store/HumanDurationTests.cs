using Builder.Cli.Output;

namespace Builder.Cli.Tests.Store;

/// <summary>docker's CREATED column (go-units' HumanDuration, then " ago").</summary>
public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(0.5, "Less than a second")]
    [InlineData(1, "1 second")]
    [InlineData(42, "42 seconds")]
    [InlineData(60, "About a minute")]
    [InlineData(5 * 60 + 10, "5 minutes")]
    [InlineData(3600, "About an hour")]
    [InlineData(3 * 3600 + 1700, "3 hours")]
    [InlineData(3 * 86400, "3 days")]
    [InlineData(20 * 86400, "2 weeks")]
    [InlineData(90 * 86400, "3 months")]
    [InlineData(3 * 365 * 86400, "3 years")]
    public void Format_IsGoUnitsHumanDuration(double seconds, string text) =>
        Assert.Equal(text, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Ago_UnknownTime_IsNotAvailable()
    {
        Assert.Equal("N/A", HumanDuration.Ago(null, DateTimeOffset.UtcNow));
        Assert.Equal("5 minutes ago", HumanDuration.Ago(DateTimeOffset.UnixEpoch.AddDays(1), DateTimeOffset.UnixEpoch.AddDays(1).AddMinutes(5)));
    }
}
