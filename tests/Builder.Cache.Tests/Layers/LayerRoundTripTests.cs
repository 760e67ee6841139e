using Builder.Cache.Layers;

namespace Builder.Cache.Tests.Layers;

public sealed class LayerRoundTripTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    [InlineData(LayerCompression.Uncompressed)]
    public async Task ApplyAsync_LayerOfEveryEntryType_RecreatesTheTree(LayerCompression compression)
    {
        string source = _temp.Sub("source"), target = _temp.Sub("target");
        SampleTree.CreateEveryEntryType(source);
        SampleTree.File(source, "données/日本語.txt", "unicode");
        SampleTree.File(source, string.Join('/', Enumerable.Repeat("long-directory-name-that-needs-pax", 6)) + "/f", "long");
        SampleTree.SetTimes(source, SampleTree.OldTime);
        (LayerWriteResult written, byte[] blob) = await LayerTestIO.WriteAsync(
            LayerSource.FromDirectory(source), new LayerWriteOptions { Compression = compression });

        LayerApplyResult applied = await LayerTestIO.ApplyAsync(blob, target, written.DiffId);

        Assert.Equal(written.DiffId, applied.DiffId);
        Assert.Equal(TreeSnapshot.Of(source), TreeSnapshot.Of(target));
    }

    [Fact]
    public async Task WriteAsync_AppliedTreeWrittenAgain_SameDiffId()
    {
        string source = _temp.Sub("source"), target = _temp.Sub("target");
        SampleTree.CreateEveryEntryType(source);
        (LayerWriteResult first, byte[] blob) = await LayerTestIO.WriteAsync(LayerSource.FromDirectory(source));
        await LayerTestIO.ApplyAsync(blob, target);

        (LayerWriteResult second, _) = await LayerTestIO.WriteAsync(LayerSource.FromDirectory(target));

        Assert.Equal(first.DiffId, second.DiffId);
    }
}
