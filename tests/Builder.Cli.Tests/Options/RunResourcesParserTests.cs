using Builder.Cli.Options;

namespace Builder.Cli.Tests.Options;

/// <summary><c>--memory</c>, <c>--memory-swap</c>, <c>--cpus</c>, <c>--cpu-quota</c>, <c>--cpu-period</c>, <c>--pids-limit</c> as docker run reads them.</summary>
public sealed class RunResourcesParserTests
{
    [Theory]
    [InlineData("256m", 256L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("67108864", 64L << 20)]
    [InlineData("512MB", 512L << 20)]
    public void Parse_Memory_BinaryUnitsAsDockerRun(string text, long bytes) =>
        Assert.Equal(bytes, RunResourcesParser.Parse(text, null, null, null, null, null).MemoryBytes);

    [Fact]
    public void Parse_Cpus_IsAQuotaOverA100MsPeriod()
    {
        var resources = RunResourcesParser.Parse(null, null, "1.5", null, null, null);

        Assert.Equal(150_000, resources.CpuQuota);
        Assert.Equal(100_000, resources.CpuPeriod);
    }

    [Fact]
    public void Parse_NoFlags_NoLimits() => Assert.Equal(Builder.Engine.RunLimits.None, RunResourcesParser.Parse(null, null, null, null, null, 0));

    [Theory]
    [InlineData("lots", null, null, "invalid --memory 'lots'")]
    [InlineData("1m", null, null, "below the minimum of 6MiB")]
    [InlineData(null, "1g", null, "--memory-swap needs --memory")]
    [InlineData("512m", "256m", null, "is less than --memory")]
    [InlineData(null, null, "-1", "invalid --cpus '-1'")]
    public void Parse_BadValue_OneLineWithAHint(string? memory, string? swap, string? cpus, string message)
    {
        var error = Assert.Throws<FormatException>(() => RunResourcesParser.Parse(memory, swap, cpus, null, null, null));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CpusWithQuota_Refused() =>
        Assert.Throws<FormatException>(() => RunResourcesParser.Parse(null, null, "2", 50_000, null, null));
}
