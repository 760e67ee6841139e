namespace Builder.Cache.Layers;

/// <summary>How a layer blob is compressed (OCI image spec, media-types.md).</summary>
public enum LayerCompression
{
    /// <summary>gzip, compressed on every core as concatenated members; what every registry and runtime reads.</summary>
    Gzip,

    /// <summary>zstd (level 3 by default), multi-threaded; OCI media types only.</summary>
    Zstd,

    /// <summary>The plain tar: the blob digest is then the diffID.</summary>
    Uncompressed,
}
