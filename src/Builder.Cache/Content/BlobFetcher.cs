using System.Collections.Concurrent;
using Builder.Oci;

namespace Builder.Cache.Content;

/// <summary>
/// Blobs known to be elsewhere (a base image's layers in its registry, the layers of an imported build cache), fetched
/// into the store only when something needs their bytes, each once however many ask. Counts what it fetched.
/// </summary>
public sealed class BlobFetcher
{
    private readonly ConcurrentDictionary<Digest, (Descriptor Blob, Func<CancellationToken, Task<Stream>> Open)> _sources = new();
    private readonly ConcurrentDictionary<Digest, Lazy<Task>> _fetches = new();
    private long _blobs, _bytes;

    /// <summary>Blobs fetched so far.</summary>
    public long BlobsFetched => Interlocked.Read(ref _blobs);

    /// <summary>Bytes fetched so far.</summary>
    public long BytesFetched => Interlocked.Read(ref _bytes);

    /// <summary>Says where <paramref name="blob"/> can be read; the first source registered for a digest is kept.</summary>
    public void Register(Descriptor blob, Func<CancellationToken, Task<Stream>> open)
    {
        ArgumentNullException.ThrowIfNull(blob);
        _sources.TryAdd(blob.Digest, (blob, open));
    }

    /// <summary>Whether <paramref name="digest"/> has a registered source.</summary>
    public bool CanFetch(Digest digest) => _sources.ContainsKey(digest);

    /// <summary>Makes sure <paramref name="digest"/> is in <paramref name="content"/>, fetching it once from its source.</summary>
    /// <exception cref="BlobNotFoundException">It is neither in the store nor registered.</exception>
    public Task EnsureAsync(ContentStore content, Digest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Contains(digest)) return Task.CompletedTask;
        if (!_sources.TryGetValue(digest, out var source)) throw new BlobNotFoundException(digest, content.Root);
        return _fetches.GetOrAdd(digest, _ => new Lazy<Task>(() => FetchAsync(content, source.Blob, source.Open, cancellationToken))).Value;
    }

    /// <summary>A reader of <paramref name="content"/> that fetches registered blobs the store lacks.</summary>
    public IBlobReader ReaderOver(ContentStore content) => new FetchingReader(this, content);

    private async Task FetchAsync(ContentStore content, Descriptor blob, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        await using Stream stream = await open(cancellationToken).ConfigureAwait(false);
        await content.WriteAsync(stream, blob, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _blobs);
        Interlocked.Add(ref _bytes, blob.Size);
    }

    private sealed class FetchingReader(BlobFetcher fetcher, ContentStore content) : IBlobReader
    {
        public bool Contains(Digest digest) => content.Contains(digest) || fetcher.CanFetch(digest);

        public Stream OpenRead(Digest digest)
        {
            if (!content.Contains(digest)) fetcher.EnsureAsync(content, digest, CancellationToken.None).GetAwaiter().GetResult();
            return content.OpenRead(digest);
        }
    }
}
