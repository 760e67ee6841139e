using Builder.Oci;

namespace Builder.Cache.Content;

/// <summary>A compressed blob <see cref="CompressedLayerMemo"/> remembers for an uncompressed layer.</summary>
/// <param name="DiffId">The uncompressed layer (its blob digest, which is its diffID).</param>
/// <param name="Compression">How it was compressed, with the level: <c>gzip-6</c>, <c>zstd-3</c>.</param>
/// <param name="Blob">The compressed blob.</param>
/// <param name="Size">The compressed blob's size in bytes.</param>
public sealed record CompressedLayerEntry(Digest DiffId, string Compression, Digest Blob, long Size);
