using System.IO.Compression;

namespace Builder.Cache.Layers;

/// <summary>
/// Tells a block that deflate cannot shrink (already compressed or random bytes: archives, media, model weights)
/// before it is compressed in earnest. Deflate at level 6 spends about 35 ms of CPU per MiB on such bytes and then
/// writes them as stored blocks anyway (zlib keeps whichever of stored, fixed or dynamic blocks is smallest), while
/// writing them stored costs about 3 ms. The probe compresses a few short samples spread across the block at the
/// fastest level; when none of them gets smaller by <see cref="MinimumSaving"/>, the block is written stored. This
/// is the same idea as zstd's incompressible-block detection. The answer depends only on the bytes, so a layer's
/// compressed digest stays reproducible.
/// </summary>
internal static class CompressibilityProbe
{
    /// <summary>How many samples are taken, evenly spread over the block.</summary>
    internal const int Samples = 4;

    /// <summary>Bytes per sample.</summary>
    internal const int SampleSize = 16 * 1024;

    /// <summary>The share a sample must lose at level 1 for the block to be worth compressing.</summary>
    internal const double MinimumSaving = 0.03;

    /// <summary>
    /// Whether no sample of <paramref name="block"/> shrinks by <see cref="MinimumSaving"/>. Blocks shorter than
    /// all samples together are always compressed: the probe would cost as much as compressing them.
    /// </summary>
    public static bool IsIncompressible(ReadOnlySpan<byte> block)
    {
        if (block.Length < Samples * SampleSize) return false;
        var counter = new CountingStream();
        int stride = block.Length / Samples;
        for (int i = 0; i < Samples; i++)
        {
            counter.Count = 0;
            using (var deflate = new DeflateStream(counter, new ZLibCompressionOptions { CompressionLevel = 1 }, leaveOpen: true))
                deflate.Write(block.Slice(i * stride, SampleSize));
            if (counter.Count < SampleSize * (1 - MinimumSaving)) return false;
        }
        return true;
    }

    /// <summary>A sink that only counts what is written to it.</summary>
    private sealed class CountingStream : Stream
    {
        public long Count;

        public override void Write(byte[] buffer, int offset, int count) => Count += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
        public override void Flush()
        {
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
