using Builder.Oci;

namespace Builder.Frontend.Conversion;

/// <summary>
/// Supplies the config of a base image (its ENV, WORKDIR, USER, ONBUILD triggers...) so conversion can start a
/// stage from it. The registry-backed resolver lives with the registry client.
/// </summary>
public interface IImageConfigResolver
{
    /// <summary>The config of <paramref name="image"/> for <paramref name="platform"/>, and its manifest digest when known.</summary>
    Task<(ImageConfig Config, Digest? ManifestDigest)> ResolveAsync(ImageReference image, Platform platform, CancellationToken cancellationToken);
}
