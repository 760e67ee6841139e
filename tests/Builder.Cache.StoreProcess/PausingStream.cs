namespace Builder.Cache.StoreProcess;

/// <summary>Reads its inner stream, but once half of it has been read prints <c>half</c> and waits for a line on stdin.</summary>
internal sealed class PausingStream(Stream inner) : Stream
{
    private readonly long _half = inner.Length / 2;
    private long _read;
    private bool _paused;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!_paused && _read >= _half)
        {
            _paused = true;
            Console.WriteLine("half");
            Console.Out.Flush();
            _ = Console.ReadLine();
        }
        int limit = _paused ? buffer.Length : (int)Math.Min(buffer.Length, _half - _read);
        int n = inner.Read(buffer[..limit]);
        _read += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
