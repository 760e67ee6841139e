using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Cache.Export;
using Builder.Oci;

namespace Builder.Cache.BuildCache;

/// <summary>
/// Cache records read with <c>--cache-from</c>: a step whose key is here is not run, and its layer blob is only
/// registered with the <see cref="BlobFetcher"/>, which fetches it when something needs its bytes (a later step reads
/// the filesystem, an export writes the blob).
/// </summary>
public sealed class ImportedCache(BlobFetcher fetcher)
{
    private readonly Dictionary<Digest, CacheRecord> _records = [];
    private readonly Dictionary<string, CacheMountRecord> _cacheMounts = new(StringComparer.Ordinal);

    /// <summary>The registry repositories imported from, for cross-repository mounts when pushing.</summary>
    public List<ImageReference> Repositories { get; } = [];

    /// <summary>How many records were imported.</summary>
    public int Count => _records.Count;

    /// <summary>Adds the records of one imported cache (earlier imports win for a key found in both).</summary>
    public void Add(IReadOnlyDictionary<Digest, CacheRecord> records, ICacheBlobSource source)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(source);
        foreach ((Digest key, CacheRecord record) in records)
        {
            if (_records.TryAdd(key, record)) fetcher.Register(record.Layer, token => source.OpenAsync(record.Layer, token));
        }
    }

    /// <summary>The imported record for <paramref name="key"/>, or null.</summary>
    public CacheRecord? Find(Digest key) => _records.GetValueOrDefault(key);

    /// <summary>
    /// Adds the cache mounts of one imported cache (earlier imports win for an id found in both); their layers are
    /// fetched only when a step uses the mount and this machine has none.
    /// </summary>
    public void AddCacheMounts(IReadOnlyList<CacheMountRecord> mounts, ICacheBlobSource source)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        ArgumentNullException.ThrowIfNull(source);
        lock (_cacheMounts)
        {
            foreach (CacheMountRecord mount in mounts)
            {
                if (_cacheMounts.TryAdd(mount.Id, mount)) fetcher.Register(mount.Layer, token => source.OpenAsync(mount.Layer, token));
            }
        }
    }

    /// <summary>The imported content of cache mount <paramref name="id"/>, or null.</summary>
    public CacheMountRecord? FindCacheMount(string id)
    {
        lock (_cacheMounts) return _cacheMounts.GetValueOrDefault(id);
    }
}

/// <summary>Where an imported cache's blobs are read from.</summary>
public interface ICacheBlobSource
{
    /// <summary>Opens <paramref name="blob"/> for reading (verified by the store it is written to).</summary>
    Task<Stream> OpenAsync(Descriptor blob, CancellationToken cancellationToken);
}

/// <summary>Blobs of a cache in a local OCI layout (<c>type=local,src=DIR</c>).</summary>
public sealed class LayoutCacheSource(OciLayoutReader layout) : ICacheBlobSource
{
    /// <inheritdoc />
    public Task<Stream> OpenAsync(Descriptor blob, CancellationToken cancellationToken) =>
        Task.FromResult(layout.OpenRead((blob ?? throw new ArgumentNullException(nameof(blob))).Digest));
}

/// <summary>Blobs of a cache in a registry repository (<c>type=registry,ref=…</c>).</summary>
public sealed class RegistryCacheSource(RegistryClient client, ImageReference repository) : ICacheBlobSource
{
    /// <inheritdoc />
    public Task<Stream> OpenAsync(Descriptor blob, CancellationToken cancellationToken) => client.OpenBlobAsync(repository, blob, cancellationToken);
}
