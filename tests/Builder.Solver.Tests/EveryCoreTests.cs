namespace Builder.Solver.Tests;

/// <summary>Per-item work on every core: each item once, and a failure as the item threw it.</summary>
public sealed class EveryCoreTests
{
    [Theory]
    [InlineData(5)]
    [InlineData(500)]
    public void For_RunsEveryItemOnce(int count)
    {
        var runs = new int[count];

        EveryCore.For(count, parallelFrom: 64, i => Interlocked.Increment(ref runs[i]));

        Assert.All(runs, r => Assert.Equal(1, r));
    }

    [Fact]
    public void For_ItemFailsInParallel_ThrowsItsExceptionUnwrapped()
    {
        var e = Assert.Throws<FileNotFoundException>(() =>
            EveryCore.For(500, parallelFrom: 64, i => { if (i == 321) throw new FileNotFoundException("item 321"); }));

        Assert.Equal("item 321", e.Message);
    }
}
