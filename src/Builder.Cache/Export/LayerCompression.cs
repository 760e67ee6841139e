namespace Builder.Cache.Export;

/// <summary>How layer blobs are compressed (<c>compression=</c> of <c>--output</c>).</summary>
public enum LayerCompression
{
    /// <summary>gzip: what every registry and Docker engine reads; the default.</summary>
    Gzip,

    /// <summary>zstd: faster, read by containerd 1.5+ and Docker 23+.</summary>
    Zstd,

    /// <summary>Plain tar.</summary>
    Uncompressed,
}
