using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>A name in the local image store and the manifest or index it points at.</summary>
/// <param name="Reference">The normalised, tagged name: <c>docker.io/library/app:1</c>.</param>
/// <param name="Target">The image manifest or image index the name points at.</param>
public sealed record ImageRecord(ImageReference Reference, Descriptor Target);
