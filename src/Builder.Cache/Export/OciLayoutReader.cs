using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// Reads an OCI image layout directory (image-spec image-layout.md): <c>oci-layout</c>, <c>index.json</c> and
/// <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>.
/// </summary>
public sealed class OciLayoutReader : IBlobReader
{
    private readonly string _directory;

    /// <summary>Opens the layout at <paramref name="directory"/>.</summary>
    /// <exception cref="FormatException">It has no <c>oci-layout</c> or <c>index.json</c>, or the index is malformed.</exception>
    public OciLayoutReader(string directory)
    {
        _directory = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(_directory, "oci-layout")))
            throw new FormatException($"{directory} is not an OCI layout: it has no 'oci-layout' file");
        string indexPath = Path.Combine(_directory, "index.json");
        if (!File.Exists(indexPath))
            throw new FormatException($"{directory} is not an OCI layout: it has no 'index.json'");
        Index = ManifestSerializer.DeserializeIndex(File.ReadAllBytes(indexPath));
    }

    /// <summary>The layout's top-level index.</summary>
    public ImageIndex Index { get; }

    /// <inheritdoc />
    public bool Contains(Digest digest) => File.Exists(BlobPath(digest));

    /// <inheritdoc />
    public Stream OpenRead(Digest digest)
    {
        string path = BlobPath(digest);
        if (!File.Exists(path)) throw new BlobNotFoundException(digest, _directory);
        return File.OpenRead(path);
    }

    /// <summary>
    /// The image the layout names <paramref name="tag"/> (its <c>org.opencontainers.image.ref.name</c> annotation),
    /// or its only image when <paramref name="tag"/> is <see langword="null"/>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such name, or no name given and the layout holds several images.</exception>
    public Descriptor Find(string? tag)
    {
        if (tag is null)
        {
            return Index.Manifests.Length == 1
                ? Index.Manifests[0]
                : throw new KeyNotFoundException($"{_directory} holds {Index.Manifests.Length} images: name one");
        }
        foreach (Descriptor manifest in Index.Manifests)
        {
            if (manifest.Annotations.TryGetValue(OciLayoutWriter.RefNameAnnotation, out string? name) && name == tag)
                return manifest;
        }
        throw new KeyNotFoundException($"{_directory} has no image named '{tag}'");
    }

    private string BlobPath(Digest digest) => Path.Combine(_directory, "blobs", digest.Algorithm, digest.Encoded);
}
