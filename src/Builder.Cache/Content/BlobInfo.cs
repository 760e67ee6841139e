using Builder.Oci;

namespace Builder.Cache.Content;

/// <summary>A blob present in the <see cref="ContentStore"/>.</summary>
/// <param name="Digest">The blob's digest, which is also its name in the store.</param>
/// <param name="Size">The blob's size in bytes.</param>
/// <param name="ModifiedUtc">When the blob was last written (or rewritten with the same content).</param>
public sealed record BlobInfo(Digest Digest, long Size, DateTime ModifiedUtc);
