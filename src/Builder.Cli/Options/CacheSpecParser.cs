using Builder.Cache.BuildCache;

namespace Builder.Cli.Options;

/// <summary>
/// Reads a <c>--cache-to</c> or <c>--cache-from</c> value into a <see cref="CacheSpec"/>, as docker buildx writes
/// them: <c>type=…,key=value,…</c> (a <see cref="CsvOptionList"/>), or a bare registry reference
/// (<c>--cache-from REF</c>).
/// </summary>
internal static class CacheSpecParser
{
    /// <summary>Parses one value of <c>--cache-to</c> (<paramref name="export"/>) or <c>--cache-from</c>.</summary>
    /// <exception cref="FormatException">An unknown type or option, or a missing ref/dest/src; the message names the flag and the field.</exception>
    public static CacheSpec Parse(string text, bool export)
    {
        ArgumentNullException.ThrowIfNull(text);
        string flag = export ? "--cache-to" : "--cache-from";
        if (!text.Contains('=', StringComparison.Ordinal))
        {
            // buildx reads a bare value as a CSV list of references, one cache each; imgbuild takes one per flag.
            var references = CsvOptionList.SplitFields(flag, text);
            return references.Length == 1 ? new CacheSpec(CacheLocationType.Registry, references[0])
                : throw new FormatException($"{flag} '{text}': not supported yet: several references in one value; repeat {flag} for each");
        }
        CsvOptionList options = CsvOptionList.Parse(flag, text);
        CacheLocationType type = (options.LastValue("type") ?? "registry") switch
        {
            "registry" => CacheLocationType.Registry,
            "local" => CacheLocationType.Local,
            "inline" => CacheLocationType.Inline,
            string other => throw new FormatException($"{flag} '{text}': type={other} is not supported yet (registry, local or inline)"),
        };
        string? location = type switch
        {
            CacheLocationType.Registry => options.LastValue("ref") ?? throw new FormatException($"{flag} '{text}': type=registry needs ref=REGISTRY/REPOSITORY:TAG"),
            CacheLocationType.Local when export => options.LastValue("dest") ?? throw new FormatException($"{flag} '{text}': type=local needs dest=DIRECTORY"),
            CacheLocationType.Local => options.LastValue("src") ?? throw new FormatException($"{flag} '{text}': type=local needs src=DIRECTORY"),
            _ => null,
        };
        CacheExportMode mode = (options.LastValue("mode") ?? "min") switch
        {
            "min" => CacheExportMode.Min,
            "max" => CacheExportMode.Max,
            string other => throw new FormatException($"{flag} '{text}': mode={other}: write mode=min or mode=max"),
        };
        // cache-mounts=true (imgbuild's answer to moby/buildkit#1474): the export carries RUN --mount=type=cache contents.
        bool cacheMounts = (options.LastValue("cache-mounts") ?? "false") switch
        {
            "true" when export && type != CacheLocationType.Inline => true,
            "true" => throw new FormatException($"{flag} '{text}': cache-mounts=true is for --cache-to type=registry or type=local (--cache-from restores what the cache holds)"),
            "false" => false,
            string other => throw new FormatException($"{flag} '{text}': cache-mounts={other}: write cache-mounts=true or false"),
        };
        long maxSize = CacheSpec.DefaultCacheMountsMaxSize;
        if (options.LastValue("cache-mounts-max-size") is { } size && !Engine.ByteSize.TryParse(size, out maxSize))
            throw new FormatException($"{flag} '{text}': cache-mounts-max-size={size}: write a size such as 500MB or 2GiB");
        foreach (CsvOption option in options.Options.Where(o => o.Key is not ("type" or "ref" or "dest" or "src" or "mode" or "tag" or "compression" or "oci-mediatypes" or "ignore-error" or "cache-mounts" or "cache-mounts-max-size")))
            throw new FormatException($"{flag} '{text}': option '{option.Key}' is not supported yet");
        return new CacheSpec(type, location)
        {
            Mode = mode,
            Tag = options.LastValue("tag") ?? "latest",
            CacheMounts = cacheMounts,
            CacheMountsMaxSize = maxSize,
        };
    }
}
