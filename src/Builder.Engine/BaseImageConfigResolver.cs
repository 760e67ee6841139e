using System.Collections.Concurrent;
using Builder.Oci;
using Builder.Frontend.Conversion;
using Builder.Solver.Progress;
using Builder.Solver.Sources;

namespace Builder.Engine;

/// <summary>
/// Gives the frontend the config of each <c>FROM</c> image (for ENV, ONBUILD, …) by fetching it through the solver's
/// base-image provider. Each image and platform is resolved once per instance: the build checks and conversion of a
/// build ask for the same images, and must see the same configs (a tag moved between two lookups would not), with one
/// registry round trip. Progress shows each image once as BuildKit does: <c>[internal] load metadata for REF</c>.
/// </summary>
/// <param name="bases">Where the images come from.</param>
/// <param name="progress">Where the loads are shown; null for none (the build checks, which the build's own conversion follows).</param>
internal sealed class BaseImageConfigResolver(BaseImageProvider bases, IBuildProgress? progress = null) : IImageConfigResolver
{
    private readonly ConcurrentDictionary<(string Image, Platform Platform), Lazy<Task<(ImageConfig, Digest?)>>> _resolved = new();

    public Task<(ImageConfig Config, Digest? ManifestDigest)> ResolveAsync(ImageReference image, Platform platform, CancellationToken cancellationToken) =>
        _resolved.GetOrAdd((image.ToString(), platform), _ => new(() => ResolveOnceAsync(image, platform, cancellationToken))).Value;

    private async Task<(ImageConfig Config, Digest? ManifestDigest)> ResolveOnceAsync(ImageReference image, Platform platform, CancellationToken cancellationToken)
    {
        using ProgressActivity? loading = progress is null ? null : ProgressActivity.Start(progress, $"[internal] load metadata for {image}");
        BaseImage resolved = await bases.ResolveAsync(image, platform, cancellationToken).ConfigureAwait(false);
        return (resolved.Config, resolved.ManifestDescriptor.Digest);
    }
}
