using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cli.Commands;

/// <summary>
/// An image of the local store read down to its config, for the commands that show what an image is made of
/// (<c>images</c>' CREATED, <c>history</c>): an index resolves to this machine's manifest.
/// </summary>
/// <param name="Manifest">The image manifest.</param>
/// <param name="ConfigDigest">The image ID: the config's digest, as docker shows it.</param>
/// <param name="Config">The image config.</param>
internal sealed record StoredImage(ImageManifest Manifest, Digest ConfigDigest, ImageConfig Config)
{
    /// <summary>Reads <paramref name="target"/>'s manifest and config, or null when the store lacks them.</summary>
    public static StoredImage? Read(ImageStore images, Descriptor target)
    {
        Descriptor? manifestDescriptor = target;
        if (ManifestSerializer.IsIndex(target.MediaType))
        {
            if (!images.Content.Contains(target.Digest)) return null;
            manifestDescriptor = ManifestSerializer.DeserializeIndex(ImageBlobs.ReadAll(images.Content, target.Digest)).Select(Platform.Current);
        }
        if (manifestDescriptor is null || !images.Content.Contains(manifestDescriptor.Digest)) return null;
        ImageManifest manifest = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(images.Content, manifestDescriptor.Digest));
        if (!images.Content.Contains(manifest.Config.Digest)) return null;
        return new StoredImage(manifest, manifest.Config.Digest, ImageConfigSerializer.Deserialize(ImageBlobs.ReadAll(images.Content, manifest.Config.Digest)));
    }
}
