using System.Collections.Immutable;

namespace Builder.Oci;

/// <summary>
/// An image manifest: one image's config and its layers, bottom first (OCI image-spec manifest.md, and Docker
/// image manifest v2 schema 2, which has the same shape under other media types).
/// </summary>
/// <param name="MediaType"><see cref="MediaTypes.OciManifest"/> or <see cref="MediaTypes.DockerManifest"/>.</param>
/// <param name="Config">The image config blob.</param>
/// <param name="Layers">The layer blobs, base layer first.</param>
public sealed record ImageManifest(string MediaType, Descriptor Config, ImmutableArray<Descriptor> Layers)
{
    /// <summary>Arbitrary metadata, sorted by key as the JSON form serialises it.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; init; } =
        ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>Whether this is a Docker schema 2 manifest rather than an OCI one.</summary>
    public bool IsDocker => MediaType == MediaTypes.DockerManifest;
}
