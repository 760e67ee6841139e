using System.Collections.Immutable;

namespace Builder.Oci;

/// <summary>The <c>rootfs</c> object of an image config: the DiffIDs of the layers, bottom first.</summary>
public sealed record RootFs
{
    /// <summary>The only type the OCI spec defines, <c>layers</c>.</summary>
    public const string LayersType = "layers";

    /// <summary>The root filesystem type, <see cref="LayersType"/>.</summary>
    public string Type { get; init; } = LayersType;

    /// <summary>The digest of each uncompressed layer tar (its DiffID), bottom layer first.</summary>
    public ImmutableArray<Digest> DiffIds { get; init; } = [];
}
