using Builder.Oci;
using Builder.Frontend.Conversion;
using Builder.Solver.Progress;
using Builder.Solver.Sources;

namespace Builder.Engine;

/// <summary>
/// Gives the frontend the config of each <c>FROM</c> image (for ENV, ONBUILD, …) by fetching it through the solver's
/// base-image provider. Progress shows each image once as BuildKit does: <c>[internal] load metadata for REF</c>.
/// </summary>
internal sealed class BaseImageConfigResolver(BaseImageProvider bases, IBuildProgress progress) : IImageConfigResolver
{
    private readonly HashSet<(string, Platform)> _shown = [];

    public async Task<(ImageConfig Config, Digest? ManifestDigest)> ResolveAsync(ImageReference image, Platform platform, CancellationToken cancellationToken)
    {
        bool first;
        lock (_shown) first = _shown.Add((image.ToString(), platform));
        using ProgressActivity? loading = first ? ProgressActivity.Start(progress, $"[internal] load metadata for {image}") : null;
        BaseImage resolved = await bases.ResolveAsync(image, platform, cancellationToken).ConfigureAwait(false);
        return (resolved.Config, resolved.ManifestDescriptor.Digest);
    }
}
