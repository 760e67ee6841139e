using System.Collections.Immutable;
using Builder.Cache.Content;
using Builder.Cache.Layers;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// Makes the compressed layer blobs an output needs from an image whose layers the local store keeps uncompressed.
/// As BuildKit's Docker worker, imgbuild compresses nothing for the local image store: a build writes each new layer
/// as a plain tar (its digest is its diffID), and compression happens only when the image leaves the machine (a push,
/// an OCI or Docker archive, an OCI layout, a build cache export). Every compressed blob is remembered per diffID,
/// compression and level in a <see cref="CompressedLayerMemo"/>, so the next push or export reuses it.
/// </summary>
/// <remarks>
/// Layers that are already compressed (pulled base image layers, layers compressed at step time) are left as they
/// are. The image config, and so its <c>rootfs.diff_ids</c> and the image ID, does not change; the manifest (and
/// an index above it) gets new layer descriptors and so a new digest, written into the store.
/// </remarks>
public sealed class LayerCompressor(ContentStore content)
{
    private readonly CompressedLayerMemo _memo = new(content);
    private int _compressed;
    private int _reused;

    /// <summary>How many layers this compressor compressed (memo misses).</summary>
    public int LayersCompressed => _compressed;

    /// <summary>How many layers it found already compressed in the memo.</summary>
    public int LayersReused => _reused;

    /// <summary>Whether <paramref name="mediaType"/> is a plain (uncompressed) layer tar.</summary>
    public static bool IsUncompressedLayer(string mediaType) => mediaType is MediaTypes.OciLayerTar or MediaTypes.DockerLayerTar;

    /// <summary>
    /// The image <paramref name="root"/> (a manifest or an index) with every uncompressed layer compressed as
    /// <paramref name="options"/> say (<see cref="LayerWriteOptions.Compression"/> and level; the media types stay
    /// of the manifest's family, OCI or Docker). Returns <paramref name="root"/> itself when no layer needs compressing or the
    /// options ask for uncompressed layers.
    /// </summary>
    /// <exception cref="NotSupportedException">zstd asked for a Docker schema 2 manifest, which has no zstd layer type.</exception>
    /// <exception cref="BlobNotFoundException">A manifest or an uncompressed layer is not in the store.</exception>
    public async Task<Descriptor> CompressImageAsync(Descriptor root, LayerWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Compression == LayerCompression.Uncompressed) return root;
        if (ManifestSerializer.IsIndex(root.MediaType))
        {
            ImageIndex index = ManifestSerializer.DeserializeIndex(await content.ReadAllBytesAsync(root.Digest, cancellationToken).ConfigureAwait(false));
            var children = ImmutableArray.CreateBuilder<Descriptor>(index.Manifests.Length);
            foreach (Descriptor child in index.Manifests)
                children.Add(child.MediaType is MediaTypes.OciManifest or MediaTypes.DockerManifest
                    ? await CompressImageAsync(child, options, cancellationToken).ConfigureAwait(false)
                    : child);
            if (children.SequenceEqual(index.Manifests)) return root;
            return await WriteAsync(root, ManifestSerializer.Serialize(index with { Manifests = children.MoveToImmutable() }), cancellationToken).ConfigureAwait(false);
        }
        ImageManifest manifest = ManifestSerializer.DeserializeManifest(await content.ReadAllBytesAsync(root.Digest, cancellationToken).ConfigureAwait(false));
        if (!manifest.Layers.Any(l => IsUncompressedLayer(l.MediaType))) return root;
        if (manifest.IsDocker && options.Compression == LayerCompression.Zstd)
            throw new NotSupportedException("a zstd layer has no Docker media type: keep OCI media types (oci-mediatypes=true) or use compression=gzip");
        IReadOnlyDictionary<Digest, Descriptor> compressed = await CompressLayersAsync(manifest.Layers, options, cancellationToken).ConfigureAwait(false);
        Descriptor[] layers = [.. manifest.Layers.Select(l => compressed.GetValueOrDefault(l.Digest) ?? l)];
        return await WriteAsync(root, ManifestSerializer.Serialize(manifest with { Layers = [.. layers] }), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The compressed forms of the uncompressed ones among <paramref name="layers"/>, by their digest, compressed in
    /// parallel (each layer is read from a file of its own, and its gzip members do not depend on its neighbours').
    /// </summary>
    /// <exception cref="NotSupportedException">zstd asked for a Docker layer.</exception>
    /// <exception cref="BlobNotFoundException">An uncompressed layer is not in the store.</exception>
    public async Task<IReadOnlyDictionary<Digest, Descriptor>> CompressLayersAsync(IEnumerable<Descriptor> layers, LayerWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(options);
        var result = new System.Collections.Concurrent.ConcurrentDictionary<Digest, Descriptor>();
        if (options.Compression == LayerCompression.Uncompressed) return result;
        Descriptor[] plain = [.. layers.Where(l => IsUncompressedLayer(l.MediaType)).DistinctBy(l => l.Digest)];
        await Parallel.ForEachAsync(plain,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism) },
            async (layer, token) => result[layer.Digest] = await CompressLayerAsync(layer, options, token).ConfigureAwait(false)).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// The compressed form of one uncompressed layer (<paramref name="layer"/> as is when it is compressed already),
    /// from the memo or compressed now and remembered. Its media type is of the layer's family: a Docker tar becomes a
    /// Docker gzip layer, an OCI tar an OCI gzip or zstd one.
    /// </summary>
    /// <exception cref="NotSupportedException">zstd asked for a Docker layer.</exception>
    /// <exception cref="BlobNotFoundException">The uncompressed layer is not in the store.</exception>
    public async Task<Descriptor> CompressLayerAsync(Descriptor layer, LayerWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(options);
        if (!IsUncompressedLayer(layer.MediaType) || options.Compression == LayerCompression.Uncompressed) return layer;
        options = options with { Flavor = layer.MediaType == MediaTypes.DockerLayerTar ? LayerFlavor.Docker : LayerFlavor.Oci };
        string mediaType = LayerMediaType(options);
        string key = MemoKey(options);
        if (_memo.TryGet(layer.Digest, key, out CompressedLayerEntry? known))
        {
            Interlocked.Increment(ref _reused);
            return layer with { MediaType = mediaType, Digest = known.Blob, Size = known.Size };
        }
        Directory.CreateDirectory(content.Layout.Work);
        string file = Path.Combine(content.Layout.Work, $"compress-{Guid.NewGuid():N}.layer");
        try
        {
            LayerWriteResult written;
            await using (Stream tar = content.OpenRead(layer.Digest))
            await using (var target = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                written = await LayerWriter.CompressAsync(tar, target, options, cancellationToken).ConfigureAwait(false);
            if (written.DiffId != layer.Digest)
                throw new InvalidDataException($"layer blob {layer.Digest} has the content of {written.DiffId}: the store is damaged");
            await content.AdoptAsync(file, written.Descriptor, cancellationToken).ConfigureAwait(false);
            await _memo.SetAsync(layer.Digest, key, written.Descriptor.Digest, written.Descriptor.Size, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _compressed);
            return layer with { MediaType = mediaType, Digest = written.Descriptor.Digest, Size = written.Descriptor.Size };
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// The uncompressed form of <paramref name="layer"/> (a gzip or zstd blob in the store, or one the caller has
    /// just fetched), written into the store with <paramref name="diffId"/> as its digest: a layer found in an
    /// imported build cache becomes what a local build of the same step would have stored, so the local image's
    /// manifest is the same whichever way the layer came.
    /// </summary>
    /// <exception cref="DigestMismatchException">The blob does not decompress to <paramref name="diffId"/>.</exception>
    /// <exception cref="NotSupportedException">The layer has a media type that is not a known layer type.</exception>
    public async Task<Descriptor> DecompressLayerAsync(Descriptor layer, Digest diffId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (IsUncompressedLayer(layer.MediaType)) return layer;
        string mediaType = layer.MediaType switch
        {
            MediaTypes.DockerLayerGzip => MediaTypes.DockerLayerTar,
            MediaTypes.OciLayerGzip or MediaTypes.OciLayerZstd => MediaTypes.OciLayerTar,
            _ => throw new NotSupportedException($"layer media type '{layer.MediaType}' is not a known layer type"),
        };
        if (!content.TryGetInfo(diffId, out BlobInfo? stored))
        {
            await using Stream blob = content.OpenRead(layer.Digest);
            await using Stream tar = layer.MediaType == MediaTypes.OciLayerZstd
                ? new ZstdSharp.DecompressionStream(blob, leaveOpen: true)
                : new System.IO.Compression.GZipStream(blob, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true);
            stored = await content.WriteAsync(tar, diffId, cancellationToken).ConfigureAwait(false);
        }
        return layer with { MediaType = mediaType, Digest = diffId, Size = stored.Size };
    }

    /// <summary>The memo's name for a compression and its level: <c>gzip-6</c>, <c>zstd-3</c>.</summary>
    public static string MemoKey(LayerWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Compression switch
        {
            LayerCompression.Gzip => $"gzip-{options.CompressionLevel ?? options.GzipLevel}",
            LayerCompression.Zstd => $"zstd-{options.CompressionLevel ?? options.ZstdLevel}",
            _ => "uncompressed",
        };
    }

    private static string LayerMediaType(LayerWriteOptions options) => (options.Flavor, options.Compression) switch
    {
        (LayerFlavor.Oci, LayerCompression.Gzip) => MediaTypes.OciLayerGzip,
        (LayerFlavor.Oci, LayerCompression.Zstd) => MediaTypes.OciLayerZstd,
        (LayerFlavor.Docker, LayerCompression.Gzip) => MediaTypes.DockerLayerGzip,
        _ => throw new NotSupportedException("a zstd layer has no Docker media type: keep OCI media types (oci-mediatypes=true) or use compression=gzip"),
    };

    private async Task<Descriptor> WriteAsync(Descriptor root, byte[] bytes, CancellationToken cancellationToken)
    {
        Descriptor written = await content.WriteAsync(root.MediaType, bytes, cancellationToken).ConfigureAwait(false);
        return root with { Digest = written.Digest, Size = written.Size };
    }
}
