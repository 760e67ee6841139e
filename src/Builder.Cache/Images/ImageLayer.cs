using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>A layer of an image being assembled: its blob in the content store and the digest of its uncompressed tar.</summary>
/// <param name="Blob">The (compressed) layer blob.</param>
/// <param name="DiffId">The sha256 of the uncompressed tar, for the config's <c>rootfs.diff_ids</c>.</param>
public sealed record ImageLayer(Descriptor Blob, Digest DiffId)
{
    /// <summary>When a build step made this layer (kept by the build cache); null for layers of a base image.</summary>
    public DateTimeOffset? Created { get; init; }
}
