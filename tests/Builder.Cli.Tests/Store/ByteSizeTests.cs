using Builder.Engine;
using Builder.Cli.Output;

namespace Builder.Cli.Tests.Store;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0, "0B")]
    [InlineData(999, "999B")]
    [InlineData(1000, "1kB")]
    [InlineData(1234567, "1.235MB")]
    [InlineData(7_800_000_000, "7.8GB")]
    public void Format_Bytes_MatchesDockersHumanSize(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));
}
