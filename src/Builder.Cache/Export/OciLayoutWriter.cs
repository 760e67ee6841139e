using System.Collections.Immutable;
using System.Security.Cryptography;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// Writes images into an OCI image layout directory (<c>--output type=oci-layout,dest=DIR</c>). An existing layout
/// keeps its other images; an image with the same name replaces the old entry, as BuildKit's exporter does.
/// </summary>
public static class OciLayoutWriter
{
    /// <summary>The index annotation naming an image by its tag (image-spec annotations.md).</summary>
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>The index annotation containerd and BuildKit use for the full image name.</summary>
    public const string ImageNameAnnotation = "io.containerd.image.name";

    /// <summary>The content of the <c>oci-layout</c> file.</summary>
    public const string LayoutFileContent = """{"imageLayoutVersion":"1.0.0"}""";

    /// <summary>Copies the image's blobs into <paramref name="directory"/> and adds it to <c>index.json</c>.</summary>
    /// <exception cref="InvalidDataException">A blob read from <paramref name="blobs"/> does not match its digest.</exception>
    public static async Task WriteAsync(IBlobReader blobs, ExportedImage image, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(image);
        Directory.CreateDirectory(directory);
        foreach (Descriptor descriptor in ImageBlobs.Collect(blobs, image.Root))
            await CopyBlobAsync(blobs, descriptor, directory, cancellationToken).ConfigureAwait(false);

        string indexPath = Path.Combine(directory, "index.json");
        ImmutableArray<Descriptor> existing = File.Exists(indexPath)
            ? ManifestSerializer.DeserializeIndex(await File.ReadAllBytesAsync(indexPath, cancellationToken).ConfigureAwait(false)).Manifests
            : [];
        ImmutableArray<Descriptor> entries = IndexEntries(image);
        var names = entries.Select(e => e.Annotations.GetValueOrDefault(ImageNameAnnotation)).Where(n => n is not null).ToHashSet();
        var kept = existing.Where(e => e.Annotations.GetValueOrDefault(ImageNameAnnotation) is not { } name || !names.Contains(name));
        var index = new ImageIndex(MediaTypes.OciIndex, [.. kept, .. entries]);
        await WriteAtomicallyAsync(Path.Combine(directory, "oci-layout"), System.Text.Encoding.UTF8.GetBytes(LayoutFileContent), cancellationToken).ConfigureAwait(false);
        await WriteAtomicallyAsync(indexPath, ManifestSerializer.Serialize(index), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The entries <c>index.json</c> gets for <paramref name="image"/>: one per name (annotated with the full name
    /// and the tag), or one without annotations when it has no name.
    /// </summary>
    public static ImmutableArray<Descriptor> IndexEntries(ExportedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Descriptor plain = image.Root with { Annotations = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal) };
        if (image.Names.IsEmpty) return [plain];
        return [.. image.Names.Select(name => plain with
        {
            Annotations = plain.Annotations
                .Add(ImageNameAnnotation, name.ToString())
                .Add(RefNameAnnotation, name.Tag ?? ImageReference.DefaultTag),
        })];
    }

    private static async Task CopyBlobAsync(IBlobReader blobs, Descriptor descriptor, string directory, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(directory, "blobs", descriptor.Digest.Algorithm);
        string path = Path.Combine(folder, descriptor.Digest.Encoded);
        if (File.Exists(path) && new FileInfo(path).Length == descriptor.Size) return;
        Directory.CreateDirectory(folder);
        string temporary = path + $".{Environment.ProcessId}.tmp";
        try
        {
            await using (Stream source = blobs.OpenRead(descriptor.Digest))
            await using (FileStream target = File.Create(temporary))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                byte[] buffer = new byte[1 << 20];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                string actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
                if (actual != descriptor.Digest.ToString())
                    throw new InvalidDataException($"blob {descriptor.Digest} has the content of {actual}: the store is damaged");
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        string temporary = path + $".{Environment.ProcessId}.tmp";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}
