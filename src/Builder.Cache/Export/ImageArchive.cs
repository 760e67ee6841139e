using System.Collections.Immutable;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// The images of an archive read by <see cref="ImageArchiveReader"/>, and their blobs, held in a working directory
/// until disposed. Every blob was verified against its digest while it was read.
/// </summary>
public sealed class ImageArchive : IBlobReader, IDisposable
{
    private readonly string _directory;
    private readonly ImmutableDictionary<Digest, string> _blobs;

    internal ImageArchive(string directory, ImmutableDictionary<Digest, string> blobs, ImmutableArray<ExportedImage> images) =>
        (_directory, _blobs, Images) = (directory, blobs, images);

    /// <summary>The images the archive holds, with the names it gives them.</summary>
    public ImmutableArray<ExportedImage> Images { get; }

    /// <inheritdoc />
    public bool Contains(Digest digest) => _blobs.ContainsKey(digest);

    /// <inheritdoc />
    public Stream OpenRead(Digest digest) =>
        _blobs.TryGetValue(digest, out string? path) ? File.OpenRead(path) : throw new BlobNotFoundException(digest, "the archive");

    /// <summary>Deletes the working directory.</summary>
    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
