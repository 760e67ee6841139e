using System.Collections.Immutable;

namespace Builder.Oci;

/// <summary>
/// An OCI content descriptor (descriptor.md): what a blob is, its digest and its size in bytes.
/// </summary>
/// <param name="MediaType">The media type of the referenced content, one of <see cref="MediaTypes"/> usually.</param>
/// <param name="Digest">The digest of the referenced bytes.</param>
/// <param name="Size">The size of the referenced bytes.</param>
public sealed record Descriptor(string MediaType, Digest Digest, long Size)
{
    /// <summary>The platform of the referenced manifest, as used in an image index; <see langword="null"/> elsewhere.</summary>
    public Platform? Platform { get; init; }

    /// <summary>Arbitrary metadata, sorted by key as the JSON form serialises it.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; init; } =
        ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
}
