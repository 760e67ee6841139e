using Builder.Oci;
using Builder.Frontend.Conversion;
using Builder.Solver.Sources;

namespace Builder.Engine;

/// <summary>Gives the frontend the config of each <c>FROM</c> image (for ENV, ONBUILD, …) by fetching it through the solver's base-image provider.</summary>
internal sealed class BaseImageConfigResolver(BaseImageProvider bases) : IImageConfigResolver
{
    public async Task<(ImageConfig Config, Digest? ManifestDigest)> ResolveAsync(ImageReference image, Platform platform, CancellationToken cancellationToken)
    {
        BaseImage resolved = await bases.ResolveAsync(image, platform, cancellationToken).ConfigureAwait(false);
        return (resolved.Config, resolved.ManifestDescriptor.Digest);
    }
}
