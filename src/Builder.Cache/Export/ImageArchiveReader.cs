using System.Collections.Immutable;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// Reads an image archive for <c>imgbuild load</c>: an OCI archive (a tar of an OCI layout, with or without the
/// <c>manifest.json</c> of <c>docker save</c>), or a legacy <c>docker save</c> archive (<c>manifest.json</c>,
/// <c>&lt;id&gt;.json</c> configs and <c>&lt;id&gt;/layer.tar</c> layers), whose images get Docker schema 2 manifests.
/// The archive may be gzip-compressed. Entry names are never used as paths on disk: each file is stored under a number, so no entry can escape.
/// </summary>
public static class ImageArchiveReader
{
    

    /// <summary>Reads the archive from <paramref name="source"/> into a new directory under <paramref name="workRoot"/>.</summary>
    /// <exception cref="InvalidDataException">The archive is neither format, or a blob does not match its digest.</exception>
    public static async Task<ImageArchive> ReadAsync(Stream source, string workRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        string directory = Path.Combine(workRoot, "archive-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            // docker load accepts a gzip-compressed archive; so does this.
            byte[] magic = new byte[2];
            int sniffed = await source.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            Stream tarStream = new Layers.PrefixedReadStream(magic[..sniffed], source);
            if (sniffed == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
                tarStream = new System.IO.Compression.GZipStream(tarStream, System.IO.Compression.CompressionMode.Decompress);
            await using (var tar = new TarReader(tarStream, leaveOpen: true))
            {
                TarEntry? entry;
                while ((entry = await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false)) is not null)
                {
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                    string path = Path.Combine(directory, files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    await using (FileStream target = File.Create(path))
                        await entry.DataStream.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                    files[Normalise(entry.Name)] = path;
                }
            }
            ImageArchive archive = files.ContainsKey("index.json")
                ? ReadOciLayout(directory, files)
                : files.ContainsKey("manifest.json")
                    ? ReadDockerSave(directory, files)
                    : throw new InvalidDataException("the archive has neither index.json (OCI) nor manifest.json (docker save)");
            return archive;
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    private static ImageArchive ReadOciLayout(string directory, Dictionary<string, string> files)
    {
        ImageIndex index = ManifestSerializer.DeserializeIndex(File.ReadAllBytes(files["index.json"]));
        var blobs = ImmutableDictionary.CreateBuilder<Digest, string>();
        foreach ((string name, string path) in files)
        {
            if (!name.StartsWith("blobs/", StringComparison.Ordinal)) continue;
            string[] parts = name.Split('/');
            if (parts.Length != 3 || !Digest.TryParse($"{parts[1]}:{parts[2]}", out Digest digest)) continue;
            Verify(path, digest);
            blobs[digest] = path;
        }
        var images = ImmutableArray.CreateBuilder<ExportedImage>();
        foreach (IGrouping<Digest, Descriptor> group in index.Manifests.GroupBy(m => m.Digest))
        {
            var names = group
                .Select(m => m.Annotations.GetValueOrDefault(OciLayoutWriter.ImageNameAnnotation))
                .Where(n => n is not null && ImageReference.TryParse(n, out _))
                .Select(n => ImageReference.Parse(n!))
                .ToImmutableArray();
            Descriptor root = group.First() with { Annotations = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal) };
            images.Add(new ExportedImage(root, names));
        }
        return new ImageArchive(directory, blobs.ToImmutable(), images.ToImmutable());
    }

    private static ImageArchive ReadDockerSave(string directory, Dictionary<string, string> files)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(files["manifest.json"]));
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException("manifest.json is not a JSON array");
        var blobs = ImmutableDictionary.CreateBuilder<Digest, string>();
        var images = ImmutableArray.CreateBuilder<ExportedImage>();
        foreach (JsonElement item in document.RootElement.EnumerateArray())
        {
            string configName = item.TryGetProperty("Config", out JsonElement c) && c.GetString() is { } s ? s
                : throw new InvalidDataException("a manifest.json entry has no Config");
            Descriptor config = Add(Lookup(files, configName), MediaTypes.DockerConfig, blobs);
            var layers = ImmutableArray.CreateBuilder<Descriptor>();
            if (item.TryGetProperty("Layers", out JsonElement layerNames) && layerNames.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement layerName in layerNames.EnumerateArray())
                {
                    string path = Lookup(files, layerName.GetString() ?? "");
                    layers.Add(Add(path, LayerMediaType(path), blobs));
                }
            }
            byte[] manifestBytes = ManifestSerializer.Serialize(new ImageManifest(MediaTypes.DockerManifest, config, layers.ToImmutable()));
            string manifestPath = Path.Combine(directory, "manifest-" + images.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.WriteAllBytes(manifestPath, manifestBytes);
            Descriptor manifest = Add(manifestPath, MediaTypes.DockerManifest, blobs);
            var names = ImmutableArray.CreateBuilder<ImageReference>();
            if (item.TryGetProperty("RepoTags", out JsonElement tags) && tags.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement tag in tags.EnumerateArray())
                    if (ImageReference.TryParse(tag.GetString(), out ImageReference? name)) names.Add(name);
            }
            images.Add(new ExportedImage(manifest, names.ToImmutable()));
        }
        return new ImageArchive(directory, blobs.ToImmutable(), images.ToImmutable());
    }

    private static string Lookup(Dictionary<string, string> files, string name) =>
        files.TryGetValue(Normalise(name), out string? path) ? path
            : throw new InvalidDataException($"manifest.json names '{name}', which the archive does not contain");

    private static Descriptor Add(string path, string mediaType, ImmutableDictionary<Digest, string>.Builder blobs)
    {
        using FileStream stream = File.OpenRead(path);
        var digest = new Digest(Digest.Sha256, Convert.ToHexStringLower(SHA256.HashData(stream)));
        blobs[digest] = path;
        return new Descriptor(mediaType, digest, stream.Length);
    }

    // docker save writes uncompressed layer.tar files; newer Docker writes the blobs as they are stored.
    private static string LayerMediaType(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using FileStream stream = File.OpenRead(path);
        int read = stream.Read(magic);
        if (read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return MediaTypes.DockerLayerGzip;
        if (read >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) return MediaTypes.OciLayerZstd;
        return MediaTypes.DockerLayerTar;
    }

    private static void Verify(string path, Digest digest)
    {
        using FileStream stream = File.OpenRead(path);
        byte[] hash = digest.Algorithm == Digest.Sha512 ? SHA512.HashData(stream) : SHA256.HashData(stream);
        string actual = Convert.ToHexStringLower(hash);
        if (actual != digest.Encoded)
            throw new InvalidDataException($"the archive's blob {digest} has the content of {digest.Algorithm}:{actual}");
    }

    private static string Normalise(string name)
    {
        string trimmed = name.Replace('\\', '/');
        while (trimmed.StartsWith("./", StringComparison.Ordinal)) trimmed = trimmed[2..];
        return trimmed.TrimStart('/');
    }
}
