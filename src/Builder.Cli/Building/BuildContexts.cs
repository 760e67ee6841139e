using System.Collections.Immutable;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Oci;
using Builder.Frontend.Conversion;

namespace Builder.Cli.Building;

/// <summary>
/// docker buildx's <c>--build-context NAME=VALUE</c>: a directory, <c>docker-image://REF</c>, or
/// <c>oci-layout://DIR[@sha256:…]</c> (the layout's image is imported into the store and used by digest; without a
/// digest the layout must hold one image, or one tagged <c>latest</c>).
/// </summary>
internal static class BuildContexts
{
    /// <exception cref="FormatException">A value without a name, a missing directory, an unsupported scheme.</exception>
    public static async Task<ImmutableDictionary<string, NamedContext>> ParseAsync(IEnumerable<string> values, ImageStore images, CancellationToken cancellationToken)
    {
        var contexts = ImmutableDictionary.CreateBuilder<string, NamedContext>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            string[] parts = value.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new FormatException($"--build-context '{value}': write NAME=DIR, NAME=docker-image://REF or NAME=oci-layout://DIR");
            (string name, string source) = (parts[0], parts[1]);
            if (source.StartsWith("docker-image://", StringComparison.Ordinal))
            {
                string reference = source["docker-image://".Length..];
                contexts[name] = new NamedContext(null, ImageReference.TryParse(reference, out ImageReference? image) ? image
                    : throw new FormatException($"--build-context {name}: '{reference}' is not an image reference"));
            }
            else if (source.StartsWith("oci-layout://", StringComparison.Ordinal))
            {
                contexts[name] = new NamedContext(null, await ImportLayoutAsync(name, source["oci-layout://".Length..], images, cancellationToken).ConfigureAwait(false));
            }
            else if (source.Contains("://", StringComparison.Ordinal))
            {
                throw new FormatException($"--build-context {name}={source}: not supported yet (a directory, docker-image:// or oci-layout://)");
            }
            else
            {
                contexts[name] = Directory.Exists(source) ? new NamedContext(Path.GetFullPath(source), null)
                    : throw new FormatException($"--build-context {name}={source}: the directory does not exist");
            }
        }
        return contexts.ToImmutable();
    }

    private static async Task<ImageReference> ImportLayoutAsync(string name, string location, ImageStore images, CancellationToken cancellationToken)
    {
        string[] parts = location.Split('@', 2);
        OciLayoutReader layout;
        try
        {
            layout = new OciLayoutReader(parts[0]);
        }
        catch (Exception e) when (e is FormatException or IOException)
        {
            throw new FormatException($"--build-context {name}: {e.Message}", e);
        }
        Descriptor root;
        if (parts.Length == 2)
        {
            Digest digest = Digest.TryParse(parts[1], out Digest parsed) ? parsed : throw new FormatException($"--build-context {name}: '{parts[1]}' is not a digest");
            root = layout.Index.Manifests.FirstOrDefault(m => m.Digest == digest) ?? throw new FormatException($"--build-context {name}: {parts[0]} has no image {digest}");
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
