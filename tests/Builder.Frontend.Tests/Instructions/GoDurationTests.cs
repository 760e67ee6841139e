using Builder.Frontend.Instructions;

namespace Builder.Frontend.Tests.Instructions;

/// <summary>Go's time.ParseDuration, used by HEALTHCHECK flags and by docker-style CLI flags such as prune's.</summary>
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

    // Go's parseDurationTests (time/time_test.go): text and nanoseconds.
    public static TheoryData<string, long> GoValid => new()
    {
        { "0", 0 }, { "5s", 5_000_000_000 }, { "30s", 30_000_000_000 }, { "1478s", 1_478_000_000_000 },
        { "-5s", -5_000_000_000 }, { "+5s", 5_000_000_000 }, { "-0", 0 }, { "+0", 0 },
        { "5.0s", 5_000_000_000 }, { "5.6s", 5_600_000_000 }, { "5.s", 5_000_000_000 }, { ".5s", 500_000_000 },
        { "1.0s", 1_000_000_000 }, { "1.00s", 1_000_000_000 }, { "1.004s", 1_004_000_000 }, { "1.0040s", 1_004_000_000 },
        { "100.00100s", 100_001_000_000 },
        { "10ns", 10 }, { "11us", 11_000 }, { "12\u00B5s", 12_000 }, { "12\u03BCs", 12_000 }, { "13ms", 13_000_000 },
        { "14s", 14_000_000_000 }, { "15m", 900_000_000_000 }, { "16h", 57_600_000_000_000 },
        { "3h30m", 12_600_000_000_000 }, { "10.5s4m", 250_500_000_000 }, { "-2m3.4s", -123_400_000_000 },
        { "1h2m3s4ms5us6ns", 3_723_004_005_006 }, { "39h9m14.425s", 140_954_425_000_000 },
        { "52763797000ns", 52_763_797_000 }, { "0.3333333333333333333h", 1_200_000_000_000 },
        { "9007199254740993ns", 9_007_199_254_740_993 }, { "9223372036854775807ns", long.MaxValue },
        { "9223372036854775.807us", long.MaxValue }, { "9223372036s854ms775us807ns", long.MaxValue },
        { "-9223372036854775808ns", long.MinValue }, { "-9223372036854775.808us", long.MinValue },
        { "0.100000000000000000000h", 360_000_000_000 }, { "0.830103483285477580700h", 2_988_372_539_827 },
    };

    [Theory, MemberData(nameof(GoValid))]
    public void TryParseNanoseconds_GoTestVector_GivesGosValue(string text, long nanoseconds)
    {
        Assert.True(GoDuration.TryParseNanoseconds(text, out long parsed));
        Assert.Equal(nanoseconds, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("-")]
    [InlineData("s")]
    [InlineData(".")]
    [InlineData("-.")]
    [InlineData(".s")]
    [InlineData("+.s")]
    [InlineData("1d")]
    [InlineData("00")]
    [InlineData("9223372036854775810ns")]
    [InlineData("9223372036854775808ns")]
    [InlineData("-9223372036854775809ns")]
    [InlineData("9223372036854776us")]
    [InlineData("3000000h")]
    [InlineData("9223372036854775.808us")]
    [InlineData("9223372036854ms775us808ns")]
    public void TryParseNanoseconds_GoErrorVector_Fails(string text) =>
        Assert.False(GoDuration.TryParseNanoseconds(text, out _));

    [Theory]
    [InlineData("1ns", 1)]
    [InlineData("-1ns", -1)]
    [InlineData("150ns", 2)]
    public void TryParse_PartOfATick_RoundsAwayFromZero(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out TimeSpan duration));
        Assert.Equal(ticks, duration.Ticks);
    }
}
