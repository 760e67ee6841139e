using Builder.Cache.Content;
using Builder.Cache.Layers;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// Writes an image's files, without image metadata: as a directory tree (<c>--output type=local,dest=DIR</c>) or
/// as one tar (<c>type=tar</c>). The layers are applied in order, so whiteouts remove what lower layers added.
/// </summary>
public static class FilesystemExporter
{
    /// <summary>Applies every layer of the image's manifest for <paramref name="platform"/> onto <paramref name="directory"/>.</summary>
    /// <exception cref="LayerFormatException">A layer has an entry that would land outside the directory.</exception>
    public static async Task WriteDirectoryAsync(IBlobReader blobs, Descriptor image, Platform platform, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ImageManifest manifest = ResolveManifest(blobs, image, platform);
        ImageConfig config = ImageConfigSerializer.Deserialize(ImageBlobs.ReadAll(blobs, manifest.Config.Digest));
        Directory.CreateDirectory(directory);
        for (int i = 0; i < manifest.Layers.Length; i++)
        {
            Digest? diffId = i < config.RootFs.DiffIds.Length ? config.RootFs.DiffIds[i] : null;
            await using Stream layer = blobs.OpenRead(manifest.Layers[i].Digest);
            await LayerApplier.ApplyAsync(layer, directory, diffId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the image's files as an uncompressed, deterministic tar to <paramref name="destination"/>.</summary>
    public static async Task WriteTarAsync(IBlobReader blobs, Descriptor image, Platform platform, Stream destination, string workDirectory, CancellationToken cancellationToken)
    {
        string tree = Path.Combine(workDirectory, "rootfs-" + Guid.NewGuid().ToString("N"));
        try
        {
            await WriteDirectoryAsync(blobs, image, platform, tree, cancellationToken).ConfigureAwait(false);
            await LayerWriter.WriteAsync(LayerSource.FromDirectory(tree), destination,
                new LayerWriteOptions { Compression = LayerCompression.Uncompressed }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(tree)) Directory.Delete(tree, recursive: true);
        }
    }

    /// <summary>The manifest of <paramref name="image"/>, or from an index the one for <paramref name="platform"/>.</summary>
    /// <exception cref="InvalidOperationException">The index has no manifest for the platform.</exception>
    public static ImageManifest ResolveManifest(IBlobReader blobs, Descriptor image, Platform platform)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(platform);
        Descriptor root = image;
        if (ManifestSerializer.IsIndex(root.MediaType))
        {
            ImageIndex index = ManifestSerializer.DeserializeIndex(ImageBlobs.ReadAll(blobs, root.Digest));
            root = index.Select(platform) ?? throw new InvalidOperationException($"the image has no manifest for {platform}");
        }
        return ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(blobs, root.Digest));
    }
}
