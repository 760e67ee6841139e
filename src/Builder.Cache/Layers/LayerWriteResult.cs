using Builder.Oci;

namespace Builder.Cache.Layers;

/// <summary>A written layer: the blob's descriptor for the manifest and the diffID for the image config's rootfs.</summary>
/// <param name="Descriptor">Media type, digest and size of the blob as written (compressed).</param>
/// <param name="DiffId">The sha256 of the uncompressed tar (config.md, "layer DiffID").</param>
/// <param name="UncompressedSize">The size of the uncompressed tar in bytes.</param>
public sealed record LayerWriteResult(Descriptor Descriptor, Digest DiffId, long UncompressedSize);
