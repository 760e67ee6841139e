using Builder.Oci;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Builder.Cache.Layers;

/// <summary>
/// Writes a layer blob from a <see cref="LayerSource"/> in one pass: the tar is built, hashed (diffID),
/// compressed and hashed again (blob digest) as it streams to the destination, never read back.
/// </summary>
public static class LayerWriter
{
    /// <summary>Writes the layer to <paramref name="destination"/>, which stays open.</summary>
    /// <exception cref="ArgumentException">zstd with Docker media types, or a level out of range.</exception>
    public static Task<LayerWriteResult> WriteAsync(
        LayerSource source, Stream destination, LayerWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new LayerWriteOptions();
        long? epoch = options.SourceDateEpoch?.ToUnixTimeSeconds();
        return EncodeAsync(destination, options, async (tar, token) =>
        {
            var builder = new LayerTarBuilder(tar, epoch);
            foreach (LayerChange change in source.EnumerateChanges(token))
                await builder.WriteAsync(change, token).ConfigureAwait(false);
            await builder.FinishAsync(token).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Compresses a finished layer tar (an uncompressed layer blob) to <paramref name="destination"/>, which stays
    /// open. The same tar gives the same blob as <see cref="WriteAsync(LayerSource, Stream, LayerWriteOptions?, CancellationToken)"/>
    /// with the same options, so a layer compressed late has the digest it would have had if compressed at once.
    /// </summary>
    /// <exception cref="ArgumentException">zstd with Docker media types, or a level out of range.</exception>
    public static Task<LayerWriteResult> CompressAsync(
        Stream tar, Stream destination, LayerWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tar);
        return EncodeAsync(destination, options ?? new LayerWriteOptions(),
            (target, token) => tar.CopyToAsync(target, 1 << 20, token), cancellationToken);
    }

    // The tar is hashed (diffID), compressed and hashed again (blob digest) as it streams to the destination.
    private static async Task<LayerWriteResult> EncodeAsync(
        Stream destination, LayerWriteOptions options, Func<Stream, CancellationToken, Task> writeTar, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        string mediaType = MediaTypeOf(options);
        int parallelism = Math.Max(1, options.MaxDegreeOfParallelism);

        // Uncompressed, the blob is the tar: one hash serves as both digests.
        using HashingWriteStream? blob = options.Compression == LayerCompression.Uncompressed ? null : new(destination);
        Stream compressor = options.Compression switch
        {
            LayerCompression.Gzip => new ParallelGzipStream(blob!, options.CompressionLevel ?? options.GzipLevel, options.GzipBlockSize, parallelism),
            LayerCompression.Zstd => Zstd(blob!, options.CompressionLevel ?? options.ZstdLevel, parallelism),
            _ => destination,
        };
        try
        {
            using var tar = new HashingWriteStream(compressor);
            await writeTar(tar, cancellationToken).ConfigureAwait(false);
            switch (compressor)
            {
                case ParallelGzipStream gzip:
                    await gzip.FinishAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case CompressionStream zstd:
                    await zstd.DisposeAsync().ConfigureAwait(false); // writes the end of the frame
                    break;
            }
            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            Digest diffId = tar.Finish();
            Digest blobDigest = blob?.Finish() ?? diffId;
            long blobSize = blob?.BytesWritten ?? tar.BytesWritten;
            return new LayerWriteResult(new Descriptor(mediaType, blobDigest, blobSize), diffId, tar.BytesWritten);
        }
        finally
        {
            if (!ReferenceEquals(compressor, destination))
                await compressor.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes the layer to a new file at <paramref name="path"/>, deleted again if writing fails.</summary>
    public static async Task<LayerWriteResult> WriteToFileAsync(
        LayerSource source, string path, LayerWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false);
            return await WriteAsync(source, file, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static CompressionStream Zstd(Stream blob, int level, int parallelism)
    {
        var zstd = new CompressionStream(blob, level, bufferSize: 1 << 20, leaveOpen: true);
        // With one or more workers zstd's output does not depend on their number (zstd.h, ZSTD_c_nbWorkers).
        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, parallelism);
        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return zstd;
    }

    private static string MediaTypeOf(LayerWriteOptions options)
    {
        if (options.Compression == LayerCompression.Gzip && (options.CompressionLevel ?? options.GzipLevel) is int gzipLevel and (< 0 or > 9))
            throw new ArgumentException($"the gzip level must be 0 to 9, got {gzipLevel}", nameof(options));
        if (options.Compression == LayerCompression.Zstd && (options.CompressionLevel ?? options.ZstdLevel) is int zstdLevel and (< 0 or > 22))
            throw new ArgumentException($"the zstd level must be 0 to 22, got {zstdLevel}", nameof(options));
        if (options.GzipBlockSize < 64 << 10)
            throw new ArgumentException($"the gzip block size must be at least 64 KiB, got {options.GzipBlockSize}", nameof(options));
        return (options.Flavor, options.Compression) switch
        {
            (LayerFlavor.Oci, LayerCompression.Gzip) => MediaTypes.OciLayerGzip,
            (LayerFlavor.Oci, LayerCompression.Zstd) => MediaTypes.OciLayerZstd,
            (LayerFlavor.Oci, _) => MediaTypes.OciLayerTar,
            (LayerFlavor.Docker, LayerCompression.Gzip) => MediaTypes.DockerLayerGzip,
            (LayerFlavor.Docker, LayerCompression.Uncompressed) => MediaTypes.DockerLayerTar,
            // BuildKit forces oci-mediatypes=true for zstd: schema 2 has no zstd layer type.
            _ => throw new ArgumentException(
                "zstd layers need OCI media types: Docker manifest schema 2 has no zstd layer type; use LayerFlavor.Oci",
                nameof(options)),
        };
    }
}
