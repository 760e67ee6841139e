using Builder.Oci;

namespace Builder.Cache.Content;

/// <summary>Reads blobs by digest: the content store, an OCI layout, or anything else that holds verified blobs.</summary>
public interface IBlobReader
{
    /// <summary>Whether the blob is present.</summary>
    bool Contains(Digest digest);

    /// <summary>Opens the blob for reading.</summary>
    /// <exception cref="BlobNotFoundException">The blob is not present.</exception>
    Stream OpenRead(Digest digest);
}
