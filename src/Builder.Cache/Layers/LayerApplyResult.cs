using Builder.Oci;

namespace Builder.Cache.Layers;

/// <summary>What applying a layer found: the digest and size of its uncompressed tar.</summary>
/// <param name="DiffId">The sha256 of the uncompressed tar, including anything after the end-of-archive marker.</param>
/// <param name="UncompressedSize">The size of the uncompressed tar in bytes.</param>
public sealed record LayerApplyResult(Digest DiffId, long UncompressedSize);
