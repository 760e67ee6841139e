using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>The disk space one image name's blobs take.</summary>
/// <param name="Reference">The image's name.</param>
/// <param name="Target">The manifest or index the name points at.</param>
/// <param name="Size">All bytes of the blobs reachable from the target that are present in the store.</param>
/// <param name="SharedSize">Of <paramref name="Size"/>, the bytes of blobs other images (other targets) also use.</param>
public sealed record ImageDiskUsage(ImageReference Reference, Descriptor Target, long Size, long SharedSize)
{
    /// <summary>The bytes only this image uses, which removing it (and every other name of the same target) frees.</summary>
    public long UniqueSize => Size - SharedSize;
}
