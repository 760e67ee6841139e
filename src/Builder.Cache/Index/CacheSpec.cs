namespace Builder.Cache.Index;

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

/// <summary>A <c>--cache-to</c> or <c>--cache-from</c> value, as docker buildx writes them.</summary>
/// <param name="Type">The kind of location.</param>
/// <param name="Location">The registry reference or the directory.</param>
public sealed record CacheSpec(CacheLocationType Type, string? Location)
{
    /// <summary>Which records are exported.</summary>
    public CacheExportMode Mode { get; init; } = CacheExportMode.Min;

    /// <summary>The tag inside a local layout (<c>tag=</c>, default <c>latest</c>).</summary>
    public string Tag { get; init; } = "latest";

    /// <summary>Parses <c>type=…,key=value,…</c>; a bare value is a registry reference (<c>--cache-from REF</c>).</summary>
    /// <exception cref="FormatException">An unknown type or option, or a missing ref/dest/src.</exception>
    public static CacheSpec Parse(string text, bool export)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('=', StringComparison.Ordinal)) return new CacheSpec(CacheLocationType.Registry, text);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split('=', 2);
            fields[pair[0]] = pair.Length > 1 ? pair[1] : "";
        }
        string flag = export ? "--cache-to" : "--cache-from";
        CacheLocationType type = fields.GetValueOrDefault("type", "registry") switch
        {
            "registry" => CacheLocationType.Registry,
            "local" => CacheLocationType.Local,
            "inline" => CacheLocationType.Inline,
            string other => throw new FormatException($"{flag} '{text}': type={other} is not supported yet (registry, local or inline)"),
        };
        string? location = type switch
        {
            CacheLocationType.Registry => fields.GetValueOrDefault("ref") ?? throw new FormatException($"{flag} '{text}': type=registry needs ref=REGISTRY/REPOSITORY:TAG"),
            CacheLocationType.Local when export => fields.GetValueOrDefault("dest") ?? throw new FormatException($"{flag} '{text}': type=local needs dest=DIRECTORY"),
            CacheLocationType.Local => fields.GetValueOrDefault("src") ?? throw new FormatException($"{flag} '{text}': type=local needs src=DIRECTORY"),
            _ => null,
        };
        CacheExportMode mode = fields.GetValueOrDefault("mode", "min") switch
        {
            "min" => CacheExportMode.Min,
            "max" => CacheExportMode.Max,
            string other => throw new FormatException($"{flag} '{text}': mode={other}: write mode=min or mode=max"),
        };
        foreach (string key in fields.Keys.Where(k => k is not ("type" or "ref" or "dest" or "src" or "mode" or "tag" or "compression" or "oci-mediatypes" or "ignore-error")))
            throw new FormatException($"{flag} '{text}': option '{key}' is not supported yet");
        return new CacheSpec(type, location) { Mode = mode, Tag = fields.GetValueOrDefault("tag", "latest") };
    }
}
