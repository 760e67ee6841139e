using System.IO.Compression;
using System.Text;
using Builder.Cache.Layers;

namespace Builder.Cache.Tests.Layers;

public sealed class CompressibilityProbeTests
{
    private const int Block = 1 << 20;

    [Fact]
    public void IsIncompressible_RandomBytes_True() =>
        Assert.True(CompressibilityProbe.IsIncompressible(RandomBytes(Block, seed: 1)));

    [Fact]
    public void IsIncompressible_Text_False() =>
        Assert.False(CompressibilityProbe.IsIncompressible(Text(Block)));

    [Fact]
    public void IsIncompressible_RandomBlockEndingInText_False()
    {
        // A block that straddles the end of a compressed asset and the start of source files is still compressed.
        byte[] block = RandomBytes(Block, seed: 2);
        Text(Block / 4).CopyTo(block.AsSpan(Block - Block / 4));

        Assert.False(CompressibilityProbe.IsIncompressible(block));
    }

    [Fact]
    public void IsIncompressible_ShortBlock_False() =>
        Assert.False(CompressibilityProbe.IsIncompressible(RandomBytes(CompressibilityProbe.Samples * CompressibilityProbe.SampleSize - 1, seed: 3)));

    [Fact]
    public async Task ParallelGzip_IncompressibleBlock_IsTheStoredMember()
    {
        byte[] random = RandomBytes(Block, seed: 4);

        byte[] written = await ParallelGzipAsync(random, level: 6);

        Assert.Equal(Gzip(random, level: 0), written);
        Assert.Equal(random, Gunzip(written));
    }

    [Fact]
    public async Task ParallelGzip_CompressibleBlock_KeepsItsLevel()
    {
        byte[] text = Text(Block);

        byte[] written = await ParallelGzipAsync(text, level: 6);

        Assert.Equal(Gzip(text, level: 6), written);
    }

    private static async Task<byte[]> ParallelGzipAsync(byte[] input, int level)
    {
        var output = new MemoryStream();
        var gzip = new ParallelGzipStream(output, level, blockSize: Block, parallelism: 2);
        await gzip.WriteAsync(input);
        await gzip.FinishAsync(CancellationToken.None);
        return output.ToArray();
    }

    private static byte[] Gzip(byte[] input, int level)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
            gzip.Write(input);
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] input)
    {
        using var gzip = new GZipStream(new MemoryStream(input), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Text(int length)
    {
        var text = new StringBuilder();
        for (int i = 0; text.Length < length; i++) text.Append("line ").Append(i).Append(": the quick brown fox\n");
        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }
}
