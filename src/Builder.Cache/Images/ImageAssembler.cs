using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>
/// Writes a finished image into the content store: the config with <c>rootfs.diff_ids</c> set from the layers, and
/// the manifest (OCI media types, or Docker's with <c>oci-mediatypes=false</c>). The config's other fields and its
/// history come from the caller (the Dockerfile's stage), so the same inputs give the same bytes and digest.
/// </summary>
public static class ImageAssembler
{
    /// <summary>Writes the config and manifest for <paramref name="config"/> over <paramref name="layers"/> (bottom first).</summary>
    /// <remarks>
    /// Layer blobs must be in <c>available</c>: the store by default, or a reader that also fetches (layers of an
    /// imported build cache, which a registry push may never need to download).
    /// </remarks>
    /// <exception cref="BlobNotFoundException">A layer blob is not available.</exception>
    public static async Task<Descriptor> AssembleAsync(ContentStore content, ImageConfig config, IReadOnlyList<ImageLayer> layers,
        bool ociMediaTypes, CancellationToken cancellationToken, IBlobReader? available = null, IReadOnlyDictionary<string, string>? annotations = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(layers);
        foreach (ImageLayer layer in layers)
        {
            if (!(available ?? content).Contains(layer.Blob.Digest)) throw new BlobNotFoundException(layer.Blob.Digest, content.Root);
        }
        ImageConfig complete = config with { RootFs = new RootFs { DiffIds = [.. layers.Select(l => l.DiffId)] } };
        Descriptor configBlob = await content.WriteAsync(MediaTypes.OciConfig, ImageConfigSerializer.Serialize(complete), cancellationToken).ConfigureAwait(false);
        var manifest = new ImageManifest(MediaTypes.OciManifest, configBlob, [.. layers.Select(l => l.Blob)]);
        // A Docker manifest has no annotations: as BuildKit's exporter (EnableOCITypes "annotations"), an image with
        // manifest annotations is written with OCI media types.
        if (!ociMediaTypes && annotations is not { Count: > 0 }) manifest = ManifestFlavour.ToDocker(manifest);
        else manifest = ManifestFlavour.ToOci(manifest);
        if (annotations is { Count: > 0 })
            manifest = manifest with { Annotations = manifest.Annotations.SetItems(annotations) };
        return await content.WriteAsync(manifest.MediaType, ManifestSerializer.Serialize(manifest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the image index of a multi-platform build: one descriptor per manifest, each carrying its platform
    /// (image-index.md), in the order given. A Docker manifest list when every manifest is a Docker one
    /// (<c>oci-mediatypes=false</c>), else an OCI index, as BuildKit's containerimage exporter writes one.
    /// </summary>
    public static async Task<Descriptor> AssembleIndexAsync(ContentStore content, IReadOnlyList<(Descriptor Manifest, Platform Platform)> manifests,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(manifests);
        string mediaType = manifests.All(m => m.Manifest.MediaType == MediaTypes.DockerManifest) ? MediaTypes.DockerManifestList : MediaTypes.OciIndex;
        var index = new ImageIndex(mediaType, [.. manifests.Select(m => m.Manifest with { Platform = m.Platform })]);
        return await content.WriteAsync(mediaType, ManifestSerializer.Serialize(index), cancellationToken).ConfigureAwait(false);
    }
}
