using System.Collections.Immutable;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>An image to write out: its manifest or index, and the names to give it.</summary>
/// <param name="Root">The image's manifest or index.</param>
/// <param name="Names">Names with tags (<c>docker.io/library/app:1</c>); may be empty.</param>
public sealed record ExportedImage(Descriptor Root, ImmutableArray<ImageReference> Names);
