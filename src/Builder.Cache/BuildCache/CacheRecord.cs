using Builder.Oci;

namespace Builder.Cache.BuildCache;

/// <summary>What the cache remembers of one finished step: the layer it produced.</summary>
/// <param name="Layer">The layer blob in the content store.</param>
/// <param name="DiffId">The sha256 of the layer's uncompressed tar.</param>
public sealed record CacheRecord(Descriptor Layer, Digest DiffId)
{
    /// <summary>When the step first made the layer; its history entry keeps this time on every cache hit.</summary>
    public DateTimeOffset? Created { get; init; }
}
