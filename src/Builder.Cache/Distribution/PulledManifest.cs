using Builder.Oci;

namespace Builder.Cache.Distribution;

/// <summary>A manifest or index fetched from a registry, its bytes verified against <see cref="Descriptor"/>.</summary>
/// <param name="Descriptor">Its media type, digest and size.</param>
/// <param name="Content">The exact bytes the registry serves (the digest is over these).</param>
public sealed record PulledManifest(Descriptor Descriptor, byte[] Content);
