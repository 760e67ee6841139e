using System.Collections.Immutable;
using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Cache.Export;
using Builder.Cache.Layers;
using Builder.Oci;

namespace Builder.Cache.BuildCache;

/// <summary>
/// Moves build caches between the store and where <c>--cache-to</c>/<c>--cache-from</c> point: a local OCI layout or
/// a registry repository, as a <see cref="CacheManifest"/>. Layers the local store keeps uncompressed are exported
/// gzipped (<see cref="LayerCompressor"/>), so an exported cache names the blobs a pushed image would.
/// </summary>
public sealed class CacheTransfer(ContentStore content, RegistryClient registry)
{
    /// <summary>Reads the cache at <paramref name="spec"/> into <paramref name="into"/>; a cache that does not exist yet adds nothing.</summary>
    /// <returns>How many records were found.</returns>
    /// <exception cref="FormatException">What is there is not an imgbuild cache.</exception>
    public async Task<int> ImportAsync(CacheSpec spec, ImportedCache into, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(into);
        switch (spec.Type)
        {
            case CacheLocationType.Local:
                if (!File.Exists(Path.Combine(spec.Location!, "index.json"))) return 0;
                var layout = new OciLayoutReader(spec.Location!);
                Descriptor root;
                try
                {
                    root = layout.Find(spec.Tag);
                }
                catch (KeyNotFoundException)
                {
                    return 0;
                }
                ImageManifest localManifest = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(layout, root.Digest));
                if (localManifest.Config.MediaType != CacheManifest.ConfigMediaType)
                    throw new FormatException($"not an imgbuild cache: its config is {localManifest.Config.MediaType}");
                byte[] localConfig = ImageBlobs.ReadAll(layout, localManifest.Config.Digest);
                IReadOnlyDictionary<Digest, CacheRecord> local = CacheManifest.DeserializeConfig(localConfig);
                var layoutSource = new LayoutCacheSource(layout);
                into.Add(local, layoutSource);
                into.AddCacheMounts(CacheManifest.DeserializeCacheMounts(localConfig), layoutSource);
                return local.Count;
            case CacheLocationType.Registry:
                ImageReference reference = ImageReference.Parse(spec.Location!);
                PulledManifest pulled;
                try
                {
                    (_, pulled) = await registry.ResolveAsync(reference, Platform.Current, cancellationToken).ConfigureAwait(false);
                }
                catch (RegistryException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
                {
                    return 0;
                }
                ImageManifest manifest = ManifestSerializer.DeserializeManifest(pulled.Content);
                byte[] config;
                await using (Stream stream = await registry.OpenConfigAsync(reference, manifest.Config, cancellationToken).ConfigureAwait(false))
                using (var buffer = new MemoryStream())
                {
                    await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                    config = buffer.ToArray();
                }
                IReadOnlyDictionary<Digest, CacheRecord> remote;
                var registrySource = new RegistryCacheSource(registry, reference);
                if (manifest.Config.MediaType == CacheManifest.ConfigMediaType)
                {
                    remote = CacheManifest.DeserializeConfig(config);
                    into.AddCacheMounts(CacheManifest.DeserializeCacheMounts(config), registrySource);
                }
                else
                {
                    // An image pushed with --cache-to type=inline carries its records in its config.
                    ImageConfig image = ImageConfigSerializer.Deserialize(config);
                    if (!image.ExtraFields.TryGetValue(CacheManifest.InlineField, out string? inline))
                        throw new FormatException($"{reference} is an image without an inline cache: build it with --cache-to type=inline");
                    remote = CacheManifest.DeserializeConfig(System.Text.Encoding.UTF8.GetBytes(inline));
                }
                into.Add(remote, registrySource);
                into.Repositories.Add(reference);
                return remote.Count;
            default:
                throw new FormatException("--cache-from type=inline: name the image instead (--cache-from type=registry,ref=IMAGE)");
        }
    }

    /// <summary>Writes <paramref name="records"/> to <paramref name="spec"/>, reading blobs through <paramref name="blobs"/>.</summary>
    /// <returns>The cache manifest.</returns>
    public Task<Descriptor> ExportAsync(CacheSpec spec, IReadOnlyDictionary<Digest, CacheRecord> records, IBlobReader blobs, string? mountFrom,
        CancellationToken cancellationToken) =>
        ExportAsync(spec, records, [], blobs, mountFrom, cancellationToken);

    /// <summary>
    /// Writes <paramref name="records"/> and <paramref name="cacheMounts"/> (compressed layers already) to
    /// <paramref name="spec"/>, reading blobs through <paramref name="blobs"/>. A registry push skips the blobs the
    /// repository has, so a cache mount imported from it and unchanged is not uploaded again.
    /// </summary>
    /// <returns>The cache manifest.</returns>
    public async Task<Descriptor> ExportAsync(CacheSpec spec, IReadOnlyDictionary<Digest, CacheRecord> records, IReadOnlyList<CacheMountRecord> cacheMounts,
        IBlobReader blobs, string? mountFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(records);
        // A cache leaves the machine: layers the store keeps uncompressed go gzipped, as an image push sends them.
        IReadOnlyDictionary<Digest, Descriptor> compressed = await new LayerCompressor(content)
            .CompressLayersAsync(records.Values.Select(r => r.Layer), new LayerWriteOptions(), cancellationToken).ConfigureAwait(false);
        records = records.ToDictionary(r => r.Key, r => compressed.TryGetValue(r.Value.Layer.Digest, out Descriptor? layer) ? r.Value with { Layer = layer } : r.Value);
        Descriptor manifest = await CacheManifest.WriteAsync(content, records, cacheMounts, cancellationToken).ConfigureAwait(false);
        var reader = new OverlayReader(content, blobs);
        switch (spec.Type)
        {
            case CacheLocationType.Local:
                string directory = spec.Location!;
                // One cache per tag: an older manifest under the same tag is replaced.
                await OciLayoutWriter.WriteAsync(reader, new ExportedImage(manifest, [ImageReference.Parse("imgbuild-cache:" + spec.Tag)]), directory, cancellationToken).ConfigureAwait(false);
                return manifest;
            case CacheLocationType.Registry:
                await registry.PushAsync(reader, manifest, ImageReference.Parse(spec.Location!), mountFrom, cancellationToken).ConfigureAwait(false);
                return manifest;
            default:
                throw new FormatException("--cache-to type=inline is not supported yet");
        }
    }

    // The cache's own config and manifest are in the store; layers may have to be fetched through the given reader.
    private sealed class OverlayReader(ContentStore content, IBlobReader blobs) : IBlobReader
    {
        public bool Contains(Digest digest) => content.Contains(digest) || blobs.Contains(digest);

        public Stream OpenRead(Digest digest) => content.Contains(digest) ? content.OpenRead(digest) : blobs.OpenRead(digest);
    }
}
