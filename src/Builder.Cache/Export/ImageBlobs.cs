using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>Finds every blob an image is made of, by walking from its manifest or index.</summary>
public static class ImageBlobs
{
    /// <summary>
    /// The descriptors reachable from <paramref name="root"/>: for an index, each manifest and what it references;
    /// for a manifest, its config and layers. Children come before the manifest that references them, each blob once.
    /// </summary>
    /// <exception cref="BlobNotFoundException">A manifest or index in the walk is missing.</exception>
    /// <exception cref="FormatException">A manifest or index is malformed.</exception>
    public static IReadOnlyList<Descriptor> Collect(IBlobReader blobs, Descriptor root)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(root);
        var result = new List<Descriptor>();
        var seen = new HashSet<Digest>();
        Walk(blobs, root, result, seen);
        return result;
    }

    /// <summary>Reads a whole (small) blob, such as a manifest or a config.</summary>
    public static byte[] ReadAll(IBlobReader blobs, Digest digest)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        using Stream stream = blobs.OpenRead(digest);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static void Walk(IBlobReader blobs, Descriptor descriptor, List<Descriptor> result, HashSet<Digest> seen)
    {
        if (!seen.Add(descriptor.Digest)) return;
        if (ManifestSerializer.IsIndex(descriptor.MediaType))
        {
            ImageIndex index = ManifestSerializer.DeserializeIndex(ReadAll(blobs, descriptor.Digest));
            foreach (Descriptor manifest in index.Manifests)
                Walk(blobs, manifest, result, seen);
        }
        else if (descriptor.MediaType is MediaTypes.OciManifest or MediaTypes.DockerManifest)
        {
            ImageManifest manifest = ManifestSerializer.DeserializeManifest(ReadAll(blobs, descriptor.Digest));
            if (seen.Add(manifest.Config.Digest)) result.Add(manifest.Config);
            foreach (Descriptor layer in manifest.Layers)
                if (seen.Add(layer.Digest)) result.Add(layer);
        }
        result.Add(descriptor);
    }
}
