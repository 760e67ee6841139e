using System.Collections.Immutable;

namespace Builder.Oci;

/// <summary>
/// An image index: manifests for several platforms (OCI image-spec image-index.md), or its Docker counterpart,
/// the manifest list.
/// </summary>
/// <param name="MediaType"><see cref="MediaTypes.OciIndex"/> or <see cref="MediaTypes.DockerManifestList"/>.</param>
/// <param name="Manifests">The referenced manifests, each usually with a <see cref="Descriptor.Platform"/>.</param>
public sealed record ImageIndex(string MediaType, ImmutableArray<Descriptor> Manifests)
{
    /// <summary>Arbitrary metadata, sorted by key as the JSON form serialises it.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; init; } =
        ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The manifest for <paramref name="platform"/>: an exact match of OS, architecture and variant first, then
    /// one whose variant is unset (as containerd's platform matcher does for amd64), else <see langword="null"/>.
    /// </summary>
    public Descriptor? Select(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        Descriptor? loose = null;
        foreach (Descriptor manifest in Manifests)
        {
            if (manifest.Platform is not { } candidate) continue;
            if (candidate.OS != platform.OS || candidate.Architecture != platform.Architecture) continue;
            if (candidate.Variant == platform.Variant) return manifest;
            if (candidate.Variant.Length == 0 || platform.Variant.Length == 0) loose ??= manifest;
        }
        return loose;
    }
}
