namespace Builder.Cache.Layers;

/// <summary>How <see cref="LayerWriter"/> encodes a layer.</summary>
public sealed record LayerWriteOptions
{
    /// <summary>The blob compression; gzip by default, as docker build and BuildKit use.</summary>
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>OCI or Docker media types for the descriptor.</summary>
    public LayerFlavor Flavor { get; init; } = LayerFlavor.Oci;

    /// <summary>
    /// SOURCE_DATE_EPOCH, for reproducible layers: every mtime later than it is clamped to it, as BuildKit's
    /// <c>rewrite-timestamp</c> does, and whiteouts get it. The caller reads the environment, not the library.
    /// </summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>
    /// The level for <see cref="Compression"/>, as <c>--output compression-level=</c> gives it (0 to 9 for gzip,
    /// 0 to 22 for zstd; ignored uncompressed), or <see langword="null"/> for <see cref="GzipLevel"/> or
    /// <see cref="ZstdLevel"/>.
    /// </summary>
    public int? CompressionLevel { get; init; }

    /// <summary>The gzip level, 0 (stored) to 9; 6 is gzip's and Go's default.</summary>
    public int GzipLevel { get; init; } = 6;

    /// <summary>The zstd level; 3 is zstd's default and containerd's.</summary>
    public int ZstdLevel { get; init; } = 3;

    /// <summary>Threads compressing at once; every core by default.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The uncompressed bytes per gzip member; the output depends on it, so keep the default for reproducibility.</summary>
    public int GzipBlockSize { get; init; } = 1 << 20;
}
