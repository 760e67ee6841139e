namespace Builder.Cache.Tests.Distribution;

/// <summary>
/// Sits between the client and the real registry and damages blob downloads: either flips one byte of every
/// blob body, or drops the connection (an IOException) after some bytes of the first blob response.
/// </summary>
internal sealed class DisturbingHandler(bool corrupt, long dropAfterBytes) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _dropped;

    public int Drops => _dropped;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (request.Method != HttpMethod.Get || !request.RequestUri!.AbsolutePath.Contains("/blobs/sha256:", StringComparison.Ordinal))
            return response;
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        Stream replaced;
        if (corrupt)
        {
            body[body.Length / 2] ^= 0x01;
            replaced = new MemoryStream(body);
        }
        else if (dropAfterBytes >= 0 && Interlocked.Exchange(ref _dropped, 1) == 0)
        {
            replaced = new DroppingStream(body, dropAfterBytes);
        }
        else
        {
            replaced = new MemoryStream(body);
        }
        var content = new StreamContent(replaced);
        foreach (var header in response.Content.Headers) content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = content;
        return response;
    }

    private sealed class DroppingStream(byte[] body, long dropAfter) : MemoryStream(body)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= dropAfter) throw new IOException("connection reset by the test (mid-blob)");
            return base.Read(buffer, offset, (int)Math.Min(count, dropAfter - Position));
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= dropAfter) throw new IOException("connection reset by the test (mid-blob)");
            return base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, dropAfter - Position)], cancellationToken);
        }
    }
}
