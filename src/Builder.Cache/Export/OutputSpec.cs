using System.Collections.Immutable;
using Builder.Cache.Layers;

namespace Builder.Cache.Export;

/// <summary>
/// One output of a build (<c>--output</c>), with the options of <c>docker buildx build</c>'s exporters. Front ends
/// read the user's text into it (the CLI's <c>OutputSpecParser</c>).
/// </summary>
public sealed record OutputSpec(OutputType Type)
{
    /// <summary>
    /// The file or directory to write; <c>-</c> is stdout; <see langword="null"/> for image and registry, and for
    /// <c>type=docker</c> the Docker engine (the image is loaded into it, as <c>--load</c>).
    /// </summary>
    public string? Destination { get; init; }

    /// <summary>Names the image gets (<c>name=a,name=b</c> or <c>"name=a,b"</c>), added to the build's tags.</summary>
    public ImmutableArray<string> Names { get; init; } = [];

    /// <summary>Whether the image is pushed (<c>type=registry</c> or <c>push=true</c>).</summary>
    public bool Push { get; init; }

    /// <summary>OCI media types (the default) or Docker schema 2 ones (<c>oci-mediatypes=false</c>).</summary>
    public bool OciMediaTypes { get; init; } = true;

    /// <summary>Layer compression.</summary>
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>The compression level, or <see langword="null"/> for the algorithm's default.</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>For <c>type=oci</c> and <c>type=docker</c>: write a tar (the default) or, with <c>tar=false</c>, a layout directory.</summary>
    public bool Tar { get; init; } = true;
}
