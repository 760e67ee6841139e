using System.Buffers;
using System.Formats.Tar;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// Writes an image as a tar archive: an OCI layout in a tar (<c>--output type=oci,dest=FILE</c>), or a Docker
/// archive that <c>docker load</c> reads (<c>type=docker</c>): the same layout plus the <c>manifest.json</c> of
/// <c>docker save</c>, pointing at the same blobs, as BuildKit's docker exporter writes it. The tar is
/// deterministic: entries in a fixed order, owner 0:0, times at the epoch.
/// </summary>
public static class ImageArchiveWriter
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    /// <summary>Writes the OCI archive of <paramref name="image"/> to <paramref name="destination"/>.</summary>
    public static Task WriteOciAsync(IBlobReader blobs, ExportedImage image, Stream destination, CancellationToken cancellationToken) =>
        WriteAsync(blobs, image, destination, dockerManifest: null, leaveOut: null, cancellationToken);

    /// <summary>
    /// Writes the Docker archive of <paramref name="image"/>. <c>docker load</c> takes a single image, so from an
    /// index the manifest for <paramref name="platform"/> is written.
    /// </summary>
    /// <exception cref="InvalidOperationException">The index has no manifest for <paramref name="platform"/>.</exception>
    public static Task WriteDockerAsync(IBlobReader blobs, ExportedImage image, Platform platform, Stream destination, CancellationToken cancellationToken) =>
        WriteDockerAsync(blobs, image, platform, destination, new HashSet<Digest>(), cancellationToken);

    /// <summary>
    /// Writes the Docker archive of <paramref name="image"/> without the blobs in <paramref name="leaveOut"/>: for a
    /// Docker engine that has those layers already (see <see cref="DockerImageLoader"/>).
    /// </summary>
    internal static Task WriteDockerAsync(IBlobReader blobs, ExportedImage image, Platform platform, Stream destination, IReadOnlySet<Digest> leaveOut,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(platform);
        Descriptor root = image.Root;
        if (ManifestSerializer.IsIndex(root.MediaType))
        {
            ImageIndex index = ManifestSerializer.DeserializeIndex(ImageBlobs.ReadAll(blobs, root.Digest));
            root = index.Select(platform)
                ?? throw new InvalidOperationException($"the image has no manifest for {platform}: a Docker archive holds one platform");
        }
        ImageManifest manifest = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(blobs, root.Digest));
        byte[] dockerManifest = DockerSaveManifest(manifest, image);
        return WriteAsync(blobs, image with { Root = root }, destination, dockerManifest, leaveOut, cancellationToken);
    }

    private static async Task WriteAsync(IBlobReader blobs, ExportedImage image, Stream destination, byte[]? dockerManifest,
        IReadOnlySet<Digest>? leaveOut, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(destination);
        IReadOnlyList<Descriptor> content = ImageBlobs.Collect(blobs, image.Root);
        var index = new ImageIndex(MediaTypes.OciIndex, OciLayoutWriter.IndexEntries(image));
        await using var tar = new TarWriter(destination, TarEntryFormat.Ustar, leaveOpen: true);
        await WriteDirectoryAsync(tar, "blobs/", cancellationToken).ConfigureAwait(false);
        await WriteDirectoryAsync(tar, "blobs/sha256/", cancellationToken).ConfigureAwait(false);
        foreach (Descriptor descriptor in content.DistinctBy(d => d.Digest).OrderBy(d => d.Digest.ToString(), StringComparer.Ordinal))
        {
            if (leaveOut?.Contains(descriptor.Digest) == true) continue;
            await using Stream blob = blobs.OpenRead(descriptor.Digest);
            await WriteFileAsync(tar, BlobPath(descriptor.Digest), blob, cancellationToken).ConfigureAwait(false);
        }
        await WriteFileAsync(tar, "index.json", ManifestSerializer.Serialize(index), cancellationToken).ConfigureAwait(false);
        if (dockerManifest is not null)
            await WriteFileAsync(tar, "manifest.json", dockerManifest, cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(tar, "oci-layout", Encoding.UTF8.GetBytes(OciLayoutWriter.LayoutFileContent), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The path of a blob inside the archive, as both the OCI layout and <c>manifest.json</c> name it.</summary>
    public static string BlobPath(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Encoded}";

    // docker save's manifest.json: [{"Config": path, "RepoTags": ["name:tag"], "Layers": [paths]}]. Docker rejects
    // digests in RepoTags and writes Docker Hub names in their familiar form.
    private static byte[] DockerSaveManifest(ImageManifest manifest, ExportedImage image)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("Config", BlobPath(manifest.Config.Digest));
            writer.WriteStartArray("RepoTags");
            foreach (ImageReference name in image.Names.Where(n => n.Tag is not null))
                writer.WriteStringValue(ImageReference.Parse($"{name.Name}:{name.Tag}").FamiliarName);
            writer.WriteEndArray();
            writer.WriteStartArray("Layers");
            foreach (Descriptor layer in manifest.Layers)
                writer.WriteStringValue(BlobPath(layer.Digest));
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static Task WriteDirectoryAsync(TarWriter tar, string name, CancellationToken cancellationToken)
    {
        var entry = new UstarTarEntry(TarEntryType.Directory, name)
        {
            Mode = (UnixFileMode)Convert.ToInt32("755", 8),
            ModificationTime = Epoch,
        };
        return tar.WriteEntryAsync(entry, cancellationToken);
    }

    private static async Task WriteFileAsync(TarWriter tar, string name, byte[] content, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content, writable: false);
        await WriteFileAsync(tar, name, stream, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteFileAsync(TarWriter tar, string name, Stream content, CancellationToken cancellationToken)
    {
        Stream data = content;
        string? spill = null;
        try
        {
            if (!content.CanSeek)
            {
                // TarWriter needs the length up front; a stream without one is spooled to a temporary file.
                spill = Path.GetTempFileName();
                data = new FileStream(spill, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
                await content.CopyToAsync(data, cancellationToken).ConfigureAwait(false);
                data.Position = 0;
            }
            var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = (UnixFileMode)Convert.ToInt32("644", 8),
                ModificationTime = Epoch,
                DataStream = data,
            };
            await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!ReferenceEquals(data, content)) await data.DisposeAsync().ConfigureAwait(false);
        }
    }
}
