using System.Security.Cryptography;
using Builder.Oci;

namespace Builder.Cache.Distribution;

/// <summary>
/// A blob being downloaded: hashed while read, resumed with an HTTP <c>Range</c> request when the connection drops,
/// and verified at the end — a digest or size mismatch throws instead of returning the last bytes, so a caller
/// that reads to the end never takes unverified content for complete.
/// </summary>
internal sealed class BlobDownloadStream(Descriptor blob, string where, Stream first, Func<long, CancellationToken, Task<Stream>> reopen, int maxResumes)
    : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Stream _current = first;
    private long _position;
    private int _resumes;
    private bool _verified;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => blob.Size;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            int read;
            try
            {
                read = await _current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && _resumes < maxResumes && !cancellationToken.IsCancellationRequested)
            {
                _resumes++;
                await _current.DisposeAsync().ConfigureAwait(false);
                _current = await reopen(_position, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (read == 0)
            {
                Verify();
                return 0;
            }
            _hash.AppendData(buffer.Span[..read]);
            _position += read;
            if (_position > blob.Size)
                throw new RegistryException($"blob {blob.Digest} from {where} is longer than its {blob.Size} bytes: refusing it");
            return read;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Verify()
    {
        if (_verified) return;
        string actual = "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (_position != blob.Size || actual != blob.Digest.ToString())
        {
            throw new RegistryException(
                $"blob {blob.Digest} from {where} has digest {actual} ({_position} bytes, expected {blob.Size}): refusing it");
        }
        _verified = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
