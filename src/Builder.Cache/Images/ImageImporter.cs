using Builder.Cache.Content;
using Builder.Cache.Export;
using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>Copies images from another blob source (an archive, an OCI layout) into the local store and names them.</summary>
public static class ImageImporter
{
    /// <summary>
    /// Writes every blob of <paramref name="image"/> the store lacks (verified against its digest), then points
    /// each of the image's names at it. Blobs go in before the names, so a name never points at missing content.
    /// </summary>
    public static async Task ImportAsync(IBlobReader source, ExportedImage image, ImageStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(store);
        foreach (Descriptor descriptor in ImageBlobs.Collect(source, image.Root))
        {
            if (store.Content.Contains(descriptor.Digest)) continue;
            await using Stream blob = source.OpenRead(descriptor.Digest);
            await store.Content.WriteAsync(blob, descriptor, cancellationToken).ConfigureAwait(false);
        }
        foreach (ImageReference name in image.Names)
            await store.SetAsync(name, image.Root, cancellationToken).ConfigureAwait(false);
    }
}
