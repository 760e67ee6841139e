namespace Builder.Cache.BuildCache;

/// <summary>Where a build cache is imported from or exported to.</summary>
public enum CacheLocationType
{
    /// <summary><c>type=registry,ref=REG/REPO:TAG</c>.</summary>
    Registry,

    /// <summary><c>type=local,dest=DIR</c> (export) or <c>type=local,src=DIR</c> (import): an OCI layout.</summary>
    Local,

    /// <summary><c>type=inline</c>: the cache in the pushed image's config.</summary>
    Inline,
}

/// <summary>Which records <c>--cache-to</c> exports.</summary>
public enum CacheExportMode
{
    /// <summary><c>mode=min</c>: the layers of the final image.</summary>
    Min,

    /// <summary><c>mode=max</c>: every step's layer, intermediate stages included.</summary>
    Max,
}

/// <summary>A build cache to export (<c>--cache-to</c>) or import (<c>--cache-from</c>); the CLI's <c>CacheSpecParser</c> reads the flags.</summary>
/// <param name="Type">The kind of location.</param>
/// <param name="Location">The registry reference or the directory.</param>
public sealed record CacheSpec(CacheLocationType Type, string? Location)
{
    /// <summary>Which records are exported.</summary>
    public CacheExportMode Mode { get; init; } = CacheExportMode.Min;

    /// <summary>The tag inside a local layout (<c>tag=</c>, default <c>latest</c>).</summary>
    public string Tag { get; init; } = "latest";

    /// <summary>The default of <see cref="CacheMountsMaxSize"/>: 1 GiB.</summary>
    public const long DefaultCacheMountsMaxSize = 1L << 30;

    /// <summary>
    /// <c>cache-mounts=true</c>: the export also carries the content of the <c>RUN --mount=type=cache</c> directories
    /// the build's steps use, each as a layer (<see cref="CacheMountRecord"/>).
    /// </summary>
    public bool CacheMounts { get; init; }

    /// <summary>
    /// <c>cache-mounts-max-size=</c>: a cache mount whose tar is larger is left out of the export (with a warning), so
    /// one runaway cache cannot make every CI run upload gigabytes.
    /// </summary>
    public long CacheMountsMaxSize { get; init; } = DefaultCacheMountsMaxSize;
}
