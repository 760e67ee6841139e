using System.Collections.Immutable;
using System.Globalization;
using Builder.Cache.Export;
using Builder.Cache.Layers;

namespace Builder.Cli.Options;

/// <summary>
/// Reads one <c>--output</c> value into an <see cref="OutputSpec"/>: <c>type=…,dest=…,key=value</c> (a
/// <see cref="CsvOptionList"/>) with the options of <c>docker buildx build</c>'s exporters, or the short forms
/// <c>DIR</c> (<c>type=local,dest=DIR</c>) and <c>-</c> (<c>type=tar</c> to stdout).
/// </summary>
internal static class OutputSpecParser
{
    private const string Flag = "--output";
    // In the order of OutputType's members.
    private static readonly ImmutableArray<string> TypeNames = ["image", "registry", "local", "tar", "oci", "oci-layout", "docker"];

    /// <summary>Parses one <c>--output</c> value.</summary>
    /// <exception cref="FormatException">An unknown type or key, a bad value, or a missing <c>dest</c>; the message says which.</exception>
    public static OutputSpec Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0) throw new FormatException($"{Flag} is empty: write type=TYPE[,dest=PATH]");
        if (value == "-") return new OutputSpec(OutputType.Tar) { Destination = "-" };
        if (!value.Contains('=', StringComparison.Ordinal)) return new OutputSpec(OutputType.Local) { Destination = value };

        CsvOptionList options = CsvOptionList.Parse(Flag, value);
        string typeName = options.LastValue("type")
            ?? throw new FormatException($"{Flag} '{value}' has no type=: one of {string.Join(", ", TypeNames)}");
        OutputType type = Enum.GetValues<OutputType>().Where(t => TypeName(t) == typeName).Cast<OutputType?>().FirstOrDefault()
            ?? throw new FormatException($"{Flag}: unknown type '{typeName}' ({string.Join(", ", TypeNames)})");
        var spec = new OutputSpec(type) { Push = type == OutputType.Registry };
        var names = ImmutableArray.CreateBuilder<string>();
        foreach ((string key, string v) in options.Options)
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
                "force-compression" or "store" or "unpack" => spec,
                // buildx's annotation.KEY=, annotation-manifest.KEY=, annotation-index[PLATFORM].KEY=…: failing beats
                // an image that silently lacks what was asked for.
                _ when key.StartsWith("annotation", StringComparison.Ordinal) =>
                    throw new FormatException($"not supported yet: {Flag} {key}=… (imgbuild writes no manifest or index annotations); drop it"),
                _ => throw new FormatException($"{Flag}: unknown key '{key}' (type, dest, name, push, oci-mediatypes, compression, compression-level or tar)"),
            };
        }
        spec = spec with { Names = names.ToImmutable() };
        if (spec.Compression == LayerCompression.Zstd && !spec.OciMediaTypes)
            throw new FormatException($"{Flag}: compression=zstd needs OCI media types (Docker schema 2 has no zstd layer type); drop oci-mediatypes=false");
        if (spec.Compression == LayerCompression.Gzip && spec.CompressionLevel > 9)
            throw new FormatException($"{Flag}: compression-level={spec.CompressionLevel} is for zstd; gzip's levels are 0 to 9");
        // As buildx: type=docker without dest loads the image into the Docker engine (--load).
        if (type is not (OutputType.Image or OutputType.Registry or OutputType.Docker) && string.IsNullOrEmpty(spec.Destination))
            throw new FormatException($"{Flag} type={typeName} needs dest=PATH (dest=- writes a tar to stdout)");
        if (type == OutputType.Docker && spec.Destination is "") spec = spec with { Destination = null };
        if (type == OutputType.Docker && spec.Destination is null && !spec.Tar)
            throw new FormatException($"{Flag} type=docker,tar=false writes a layout directory: add dest=DIR");
        if (spec.Destination == "-" && (type is OutputType.Local or OutputType.OciLayout || !spec.Tar))
            throw new FormatException($"{Flag} type={typeName} writes a directory: dest=- (stdout) is only for tar outputs");
        return spec;
    }

    /// <summary>The <c>type=</c> name of <paramref name="type"/>, as buildx writes it.</summary>
    public static string TypeName(OutputType type) => TypeNames[(int)type];

    // buildx takes several names in one field, "name=a,b" (quoted, as the field holds a comma).
    private static OutputSpec AddNames(OutputSpec spec, string value, ImmutableArray<string>.Builder names)
    {
        names.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return spec;
    }

    private static bool Bool(string key, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "" => true,
        "false" or "0" => false,
        _ => throw new FormatException($"{Flag}: {key}='{value}' is not true or false"),
    };

    private static LayerCompression ParseCompression(string value) => value.ToLowerInvariant() switch
    {
        "gzip" => LayerCompression.Gzip,
        "zstd" => LayerCompression.Zstd,
        "uncompressed" => LayerCompression.Uncompressed,
        _ => throw new FormatException($"{Flag}: compression='{value}' is not gzip, zstd or uncompressed"),
    };

    private static int Level(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int level) && level <= 22
            ? level
            : throw new FormatException($"{Flag}: compression-level='{value}' is not a number from 0 to 22");
}
