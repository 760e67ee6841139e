using System.Collections.Immutable;
using System.Globalization;
using Builder.Cache.Layers;

namespace Builder.Cache.Export;

/// <summary>
/// One <c>--output</c> of a build, parsed from <c>type=…,dest=…,key=value</c> or the short forms <c>DIR</c>
/// (<c>type=local,dest=DIR</c>) and <c>-</c> (<c>type=tar</c> to stdout), with the options of
/// <c>docker buildx build</c>'s exporters.
/// </summary>
public sealed record OutputSpec(OutputType Type)
{
    private static readonly ImmutableArray<string> TypeNames = ["image", "registry", "local", "tar", "oci", "oci-layout", "docker"];

    /// <summary>The file or directory to write; <c>-</c> is stdout; <see langword="null"/> for image and registry.</summary>
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

    /// <summary>Parses one <c>--output</c> value.</summary>
    /// <exception cref="FormatException">An unknown type or key, a bad value, or a missing <c>dest</c>; the message says which.</exception>
    public static OutputSpec Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0) throw new FormatException("--output is empty: write type=TYPE[,dest=PATH]");
        if (value == "-") return new OutputSpec(OutputType.Tar) { Destination = "-" };
        if (!value.Contains('=')) return new OutputSpec(OutputType.Local) { Destination = value };

        var fields = new List<(string Key, string Value)>();
        foreach (string part in SplitCsv(value))
        {
            int equals = part.IndexOf('=');
            if (equals <= 0) throw new FormatException($"--output '{value}': '{part}' is not key=value");
            fields.Add((part[..equals].Trim().ToLowerInvariant(), part[(equals + 1)..]));
        }
        string typeName = fields.Where(f => f.Key == "type").Select(f => f.Value).LastOrDefault()
            ?? throw new FormatException($"--output '{value}' has no type=: one of {string.Join(", ", TypeNames)}");
        OutputType type = typeName switch
        {
            "image" => OutputType.Image,
            "registry" => OutputType.Registry,
            "local" => OutputType.Local,
            "tar" => OutputType.Tar,
            "oci" => OutputType.Oci,
            "oci-layout" => OutputType.OciLayout,
            "docker" => OutputType.Docker,
            _ => throw new FormatException($"--output type '{typeName}' is not one of {string.Join(", ", TypeNames)}"),
        };
        var spec = new OutputSpec(type) { Push = type == OutputType.Registry };
        var names = ImmutableArray.CreateBuilder<string>();
        foreach ((string key, string v) in fields)
        {
            spec = key switch
            {
                "type" => spec,
                "dest" => spec with { Destination = v },
                "name" => AddNames(spec, v, names),
                "push" => spec with { Push = Bool(key, v) },
                "oci-mediatypes" => spec with { OciMediaTypes = Bool(key, v) },
                "compression" => spec with { Compression = ParseCompression(v) },
                "compression-level" => spec with { CompressionLevel = Level(v) },
                "tar" => spec with { Tar = Bool(key, v) },
                // Accepted for compatibility with buildx; imgbuild's layers are always written as asked.
                "force-compression" or "store" or "unpack" or "annotation" => spec,
                _ => throw new FormatException($"--output key '{key}' is not known: use type, dest, name, push, oci-mediatypes, compression, compression-level or tar"),
            };
        }
        spec = spec with { Names = names.ToImmutable() };
        if (spec.Compression == LayerCompression.Zstd && !spec.OciMediaTypes)
            throw new FormatException("--output: compression=zstd needs OCI media types (Docker schema 2 has no zstd layer type); drop oci-mediatypes=false");
        if (type is not (OutputType.Image or OutputType.Registry) && string.IsNullOrEmpty(spec.Destination))
            throw new FormatException($"--output type={typeName} needs dest=PATH (dest=- writes a tar to stdout)");
        if (spec.Destination == "-" && (type is OutputType.Local or OutputType.OciLayout || !spec.Tar))
            throw new FormatException($"--output type={typeName} writes a directory: dest=- (stdout) is only for tar outputs");
        return spec;
    }

    private static OutputSpec AddNames(OutputSpec spec, string value, ImmutableArray<string>.Builder names)
    {
        names.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return spec;
    }

    private static bool Bool(string key, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "" => true,
        "false" or "0" => false,
        _ => throw new FormatException($"--output {key}='{value}' is not true or false"),
    };

    private static LayerCompression ParseCompression(string value) => value.ToLowerInvariant() switch
    {
        "gzip" => LayerCompression.Gzip,
        "zstd" => LayerCompression.Zstd,
        "uncompressed" => LayerCompression.Uncompressed,
        _ => throw new FormatException($"--output compression='{value}' is not gzip, zstd or uncompressed"),
    };

    private static int Level(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int level) && level <= 22
            ? level
            : throw new FormatException($"--output compression-level='{value}' is not a number from 0 to 22");

    // buildx reads --output as a CSV record, so a quoted field may hold commas: "name=a,b",push=true.
    private static IEnumerable<string> SplitCsv(string value)
    {
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in value)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                yield return field.ToString();
                field.Clear();
            }
            else field.Append(c);
        }
        if (quoted) throw new FormatException($"--output '{value}' has an unterminated quote");
        yield return field.ToString();
    }
}
