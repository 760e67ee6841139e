using System.Collections.Immutable;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Frontend.Conversion;
using Builder.Oci;

namespace Builder.Engine;

/// <summary>
/// Turns the named contexts of a request into what the frontend uses: a directory or an image reference. An
/// <c>oci-layout://DIR[@sha256:…]</c> image is imported into the store and used by digest; without a digest the
/// layout must hold one image, or one tagged <c>latest</c>.
/// </summary>
internal static class NamedContextImporter
{
    /// <exception cref="FormatException">A missing directory, or a layout without the image asked for.</exception>
    public static async Task<ImmutableDictionary<string, NamedContext>> ResolveAsync(ImmutableDictionary<string, NamedContextSource> sources, ImageStore images,
        CancellationToken cancellationToken)
    {
        var contexts = ImmutableDictionary.CreateBuilder<string, NamedContext>(StringComparer.Ordinal);
        foreach ((string name, NamedContextSource source) in sources)
        {
            contexts[name] = source switch
            {
                NamedContextSource.Directory d => Directory.Exists(d.Path) ? new NamedContext(Path.GetFullPath(d.Path), null)
                    : throw new FormatException($"--build-context {name}={d.Path}: the directory does not exist"),
                NamedContextSource.Image i => new NamedContext(null, i.Reference),
                NamedContextSource.OciLayout l => new NamedContext(null, await ImportLayoutAsync(name, l, images, cancellationToken).ConfigureAwait(false)),
                _ => throw new ArgumentOutOfRangeException(nameof(sources), source, "unknown named context source"),
            };
        }
        return contexts.ToImmutable();
    }

    private static async Task<ImageReference> ImportLayoutAsync(string name, NamedContextSource.OciLayout source, ImageStore images, CancellationToken cancellationToken)
    {
        OciLayoutReader layout;
        try
        {
            layout = new OciLayoutReader(source.LayoutDirectory);
        }
        catch (Exception e) when (e is FormatException or IOException)
        {
            throw new FormatException($"--build-context {name}: {e.Message}", e);
        }
        Descriptor root;
        if (source.ManifestDigest is { } digest)
        {
            root = layout.Index.Manifests.FirstOrDefault(m => m.Digest == digest)
                ?? throw new FormatException($"--build-context {name}: {source.LayoutDirectory} has no image {digest}");
        }
        else
        {
            try
            {
                root = layout.Index.Manifests.Length == 1 ? layout.Index.Manifests[0] : layout.Find("latest");
            }
            catch (KeyNotFoundException e)
            {
                throw new FormatException($"--build-context {name}: {e.Message}; add @sha256:… to choose", e);
            }
        }
        await ImageImporter.ImportAsync(layout, new ExportedImage(root, []), images, cancellationToken).ConfigureAwait(false);
        return ImageReference.Parse($"imgbuild-context/{name.ToLowerInvariant()}@{root.Digest}");
    }
}
