namespace Builder.Cache.Distribution;

/// <summary>
/// A response body (or an upload's source) read under an idle timeout: each read that gets bytes moves the
/// deadline; a read that waits longer than the timeout fails with an <see cref="IOException"/> naming the registry, so
/// a blob download resumes (or fails) instead of waiting forever on a peer that stopped sending.
/// </summary>
internal sealed class IdleTimeoutStream(Stream inner, TimeSpan idle, string where, IdleTimeout? shared = null) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var timeout = new IdleTimeout(idle, cancellationToken);
        try
        {
            int read = await inner.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            shared?.Reset();
            return read;
        }
        catch (OperationCanceledException) when (timeout.Expired)
        {
            throw new IOException($"{where} sent nothing for {idle.TotalSeconds:0.#} s");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
