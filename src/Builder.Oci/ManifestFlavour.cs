namespace Builder.Oci;

/// <summary>
/// Converts a manifest between OCI and Docker schema 2 media types (<c>oci-mediatypes=true|false</c>). Only the
/// media types change: the config and layer bytes, and so their digests, stay the same.
/// </summary>
public static class ManifestFlavour
{
    /// <summary>The manifest with Docker media types.</summary>
    /// <exception cref="NotSupportedException">A layer is zstd-compressed or of a type Docker has no name for.</exception>
    public static ImageManifest ToDocker(ImageManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest with
        {
            MediaType = MediaTypes.DockerManifest,
            Config = manifest.Config with { MediaType = MediaTypes.DockerConfig },
            Layers = [.. manifest.Layers.Select(layer => layer with { MediaType = DockerLayerType(layer.MediaType) })],
        };
    }

    /// <summary>The manifest with OCI media types.</summary>
    /// <exception cref="NotSupportedException">A layer has a media type that is not a known layer type.</exception>
    public static ImageManifest ToOci(ImageManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest with
        {
            MediaType = MediaTypes.OciManifest,
            Config = manifest.Config with { MediaType = MediaTypes.OciConfig },
            Layers = [.. manifest.Layers.Select(layer => layer with { MediaType = OciLayerType(layer.MediaType) })],
        };
    }

    private static string DockerLayerType(string mediaType) => mediaType switch
    {
        MediaTypes.OciLayerGzip or MediaTypes.DockerLayerGzip => MediaTypes.DockerLayerGzip,
        MediaTypes.OciLayerTar or MediaTypes.DockerLayerTar => MediaTypes.DockerLayerTar,
        MediaTypes.OciLayerZstd => throw new NotSupportedException(
            "a zstd layer has no Docker media type: keep OCI media types (oci-mediatypes=true) or use compression=gzip"),
        _ => throw new NotSupportedException($"layer media type '{mediaType}' has no Docker counterpart"),
    };

    private static string OciLayerType(string mediaType) => mediaType switch
    {
        MediaTypes.OciLayerGzip or MediaTypes.DockerLayerGzip => MediaTypes.OciLayerGzip,
        MediaTypes.OciLayerTar or MediaTypes.DockerLayerTar => MediaTypes.OciLayerTar,
        MediaTypes.OciLayerZstd => MediaTypes.OciLayerZstd,
        _ => throw new NotSupportedException($"layer media type '{mediaType}' is not a known layer type"),
    };
}
