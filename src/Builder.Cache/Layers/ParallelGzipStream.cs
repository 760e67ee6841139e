using System.Buffers;
using System.IO.Compression;

namespace Builder.Cache.Layers;

/// <summary>
/// Gzip on every core: the input is cut into fixed blocks (1 MiB by default) that are compressed independently,
/// in parallel, and written in order as concatenated gzip members. RFC 1952 section 2.2 allows several members
/// in one file, and gzip, Go's compress/gzip (so Docker and containerd) and .NET read them as one stream. The
/// output depends only on the input, the level and the block size, never on thread timing. The ratio is a
/// fraction of a percent worse than one member, since each block starts without a dictionary. A block the
/// <see cref="CompressibilityProbe"/> finds incompressible is written stored (level 0): deflate would store it too,
/// after ten times the work.
/// </summary>
internal sealed class ParallelGzipStream(Stream destination, int level, int blockSize, int parallelism) : Stream
{
    private readonly Queue<Task<MemoryStream>> _pending = new();
    private byte[] _block = ArrayPool<byte>.Shared.Rent(blockSize);
    private int _filled;
    private bool _wroteAny;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            int count = Math.Min(buffer.Length, blockSize - _filled);
            buffer.Span[..count].CopyTo(_block.AsSpan(_filled));
            _filled += count;
            buffer = buffer[count..];
            if (_filled == blockSize)
                await DispatchAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Compresses what is left and writes every member; the stream is complete afterwards.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_filled > 0 || !_wroteAny)
            await DispatchAsync(cancellationToken).ConfigureAwait(false);
        while (_pending.Count > 0)
            await WriteOldestAsync(cancellationToken).ConfigureAwait(false);
        ArrayPool<byte>.Shared.Return(_block);
        _block = [];
    }

    private async Task DispatchAsync(CancellationToken cancellationToken)
    {
        byte[] block = _block;
        int length = _filled;
        _block = ArrayPool<byte>.Shared.Rent(blockSize);
        _filled = 0;
        _wroteAny = true;
        _pending.Enqueue(Task.Run(() => Compress(block, length), cancellationToken));
        while (_pending.Count > parallelism)
            await WriteOldestAsync(cancellationToken).ConfigureAwait(false);
    }

    private MemoryStream Compress(byte[] block, int length)
    {
        var member = new MemoryStream(length / 2 + 1024);
        try
        {
            int memberLevel = level > 0 && CompressibilityProbe.IsIncompressible(block.AsSpan(0, length)) ? 0 : level;
            using var gzip = new GZipStream(member, new ZLibCompressionOptions { CompressionLevel = memberLevel }, leaveOpen: true);
            gzip.Write(block, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
        return member;
    }

    private async Task WriteOldestAsync(CancellationToken cancellationToken)
    {
        using MemoryStream member = await _pending.Dequeue().ConfigureAwait(false);
        await destination.WriteAsync(member.GetBuffer().AsMemory(0, (int)member.Length), cancellationToken).ConfigureAwait(false);
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("ParallelGzipStream is written asynchronously only");

    public override void Flush()
    {
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
