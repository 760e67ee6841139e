using Builder.Oci;

namespace Builder.Frontend.Conversion;

/// <summary>
/// A resolver that knows no image: every base image gets an empty config for its platform. For commands that
/// show the graph without reaching a registry (<c>imgbuild graph</c>).
/// </summary>
public sealed class EmptyImageConfigResolver : IImageConfigResolver
{
    /// <inheritdoc />
    public Task<(ImageConfig Config, Digest? ManifestDigest)> ResolveAsync(ImageReference image, Platform platform, CancellationToken cancellationToken) =>
        Task.FromResult<(ImageConfig, Digest?)>((ImageConfig.Empty(platform), null));
}
