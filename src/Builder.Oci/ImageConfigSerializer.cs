using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Builder.Oci.Json;

namespace Builder.Oci;

/// <summary>
/// Reads and writes <see cref="ImageConfig"/> as its JSON document. Writing is deterministic: compact, fields in
/// the order of the OCI and Docker specs, maps sorted by key (ordinal), empty values left out, times in UTC
/// RFC 3339 with trailing zeros of the fraction dropped (as Go's <c>time.Time</c> writes them).
/// </summary>
public static class ImageConfigSerializer
{
    private const long NanosecondsPerTick = 100;

    // Relaxed escaping keeps non-ASCII text and '+' readable; the output is never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Serialises <paramref name="config"/> to UTF-8 JSON bytes.</summary>
    public static byte[] Serialize(ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            JsonSerializer.Serialize(writer, ToDocument(config), ImageConfigJsonContext.Default.ImageConfigDocument);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an image config document. Fields this type does not model are ignored.</summary>
    /// <exception cref="FormatException">The JSON is malformed or lacks <c>architecture</c> or <c>os</c>.</exception>
    public static ImageConfig Deserialize(ReadOnlySpan<byte> json)
    {
        ImageConfigDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, ImageConfigJsonContext.Default.ImageConfigDocument);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the image config is not valid JSON: {e.Message}", e);
        }
        if (document is null)
            throw new FormatException("the image config is 'null', expected a JSON object");
        return FromDocument(document);
    }

    private static ImageConfigDocument ToDocument(ImageConfig config) => new()
    {
        Created = FormatTime(config.Created),
        Author = config.Author,
        Architecture = config.Architecture,
        OS = config.OS,
        Variant = NullIfEmpty(config.Variant),
        Config = ToDocument(config.Config),
        RootFs = new RootFsDocument
        {
            Type = config.RootFs.Type,
            DiffIds = [.. Safe(config.RootFs.DiffIds).Select(d => d.ToString())],
        },
        History = config.History.IsDefaultOrEmpty ? null : [.. config.History.Select(ToDocument)],
        Extra = config.ExtraFields.IsEmpty ? null
            : new SortedDictionary<string, JsonElement>(config.ExtraFields.ToDictionary(f => f.Key, f => JsonDocument.Parse(f.Value).RootElement.Clone()), StringComparer.Ordinal),
    };

    private static ContainerConfigDocument ToDocument(ContainerConfig c) => new()
    {
        User = NullIfEmpty(c.User),
        ExposedPorts = ToEmptyObjectMap(c.ExposedPorts),
        Env = ToList(c.Env),
        Entrypoint = ToList(c.Entrypoint),
        Cmd = ToList(c.Cmd),
        Volumes = ToEmptyObjectMap(c.Volumes),
        WorkingDir = NullIfEmpty(c.WorkingDir),
        Labels = c.Labels is null || c.Labels.IsEmpty ? null : new SortedDictionary<string, string>(c.Labels, StringComparer.Ordinal),
        StopSignal = NullIfEmpty(c.StopSignal),
        ArgsEscaped = c.ArgsEscaped ? true : null,
        Healthcheck = c.Healthcheck is { } h ? ToDocument(h) : null,
        OnBuild = ToList(c.OnBuild),
        Shell = ToList(c.Shell),
    };

    private static HealthcheckDocument ToDocument(Healthcheck h) => new()
    {
        Test = ToList(h.Test),
        Interval = Nanoseconds(h.Interval),
        Timeout = Nanoseconds(h.Timeout),
        StartPeriod = Nanoseconds(h.StartPeriod),
        StartInterval = Nanoseconds(h.StartInterval),
        Retries = h.Retries == 0 ? null : h.Retries,
    };

    private static HistoryEntryDocument ToDocument(HistoryEntry h) => new()
    {
        Created = FormatTime(h.Created),
        CreatedBy = NullIfEmpty(h.CreatedBy),
        Author = NullIfEmpty(h.Author),
        Comment = NullIfEmpty(h.Comment),
        EmptyLayer = h.EmptyLayer ? true : null,
    };

    private static ImageConfig FromDocument(ImageConfigDocument d)
    {
        if (string.IsNullOrEmpty(d.Architecture))
            throw new FormatException("the image config has no 'architecture'");
        if (string.IsNullOrEmpty(d.OS))
            throw new FormatException("the image config has no 'os'");
        return new ImageConfig
        {
            Created = ParseTime(d.Created, "created"),
            Author = d.Author,
            Architecture = d.Architecture,
            OS = d.OS,
            Variant = d.Variant ?? "",
            Config = d.Config is { } c ? FromDocument(c) : new ContainerConfig(),
            RootFs = new RootFs
            {
                Type = d.RootFs?.Type ?? RootFs.LayersType,
                DiffIds = [.. (d.RootFs?.DiffIds ?? []).Select(Digest.Parse)],
            },
            History = [.. (d.History ?? []).Select(FromDocument)],
            ExtraFields = d.Extra is null ? ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal)
                : ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, d.Extra.Select(e => KeyValuePair.Create(e.Key, e.Value.GetRawText()))),
        };
    }

    private static ContainerConfig FromDocument(ContainerConfigDocument c) => new()
    {
        User = NullIfEmpty(c.User),
        ExposedPorts = ImmutableSortedSet.CreateRange(StringComparer.Ordinal, c.ExposedPorts?.Keys ?? Enumerable.Empty<string>()),
        Env = [.. c.Env ?? []],
        Entrypoint = [.. c.Entrypoint ?? []],
        Cmd = [.. c.Cmd ?? []],
        Volumes = ImmutableSortedSet.CreateRange(StringComparer.Ordinal, c.Volumes?.Keys ?? Enumerable.Empty<string>()),
        WorkingDir = NullIfEmpty(c.WorkingDir),
        Labels = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, c.Labels ?? []),
        StopSignal = NullIfEmpty(c.StopSignal),
        ArgsEscaped = c.ArgsEscaped ?? false,
        Healthcheck = c.Healthcheck is { } h ? FromDocument(h) : null,
        OnBuild = [.. c.OnBuild ?? []],
        Shell = [.. c.Shell ?? []],
    };

    private static Healthcheck FromDocument(HealthcheckDocument h) => new()
    {
        Test = [.. h.Test ?? []],
        Interval = FromNanoseconds(h.Interval),
        Timeout = FromNanoseconds(h.Timeout),
        StartPeriod = FromNanoseconds(h.StartPeriod),
        StartInterval = FromNanoseconds(h.StartInterval),
        Retries = h.Retries ?? 0,
    };

    private static HistoryEntry FromDocument(HistoryEntryDocument h) => new()
    {
        Created = ParseTime(h.Created, "history created"),
        CreatedBy = h.CreatedBy,
        Author = h.Author,
        Comment = h.Comment,
        EmptyLayer = h.EmptyLayer ?? false,
    };

    private static ImmutableArray<T> Safe<T>(ImmutableArray<T> values) => values.IsDefault ? [] : values;

    private static List<string>? ToList(ImmutableArray<string> values) => values.IsDefaultOrEmpty ? null : [.. values];

    private static SortedDictionary<string, EmptyObject>? ToEmptyObjectMap(ImmutableSortedSet<string>? keys)
    {
        if (keys is null || keys.IsEmpty)
            return null;
        var map = new SortedDictionary<string, EmptyObject>(StringComparer.Ordinal);
        foreach (string key in keys)
            map[key] = EmptyObject.Instance;
        return map;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static long? Nanoseconds(TimeSpan duration) => duration == TimeSpan.Zero ? null : duration.Ticks * NanosecondsPerTick;

    private static TimeSpan FromNanoseconds(long? nanoseconds) => TimeSpan.FromTicks((nanoseconds ?? 0) / NanosecondsPerTick);

    // Go's time.Time.MarshalJSON (RFC 3339 with nanoseconds, trailing zeros dropped); we always write UTC ("Z").
    private static string? FormatTime(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(string? value, string field)
    {
        if (value is null)
            return null;
        // RFC 3339 allows up to nine fraction digits; DateTimeOffset keeps seven.
        if (DateTimeOffset.TryParse(TrimFraction(value), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset parsed))
            return parsed;
        throw new FormatException($"the image config's {field} time '{value}' is not an RFC 3339 time");
    }

    private static string TrimFraction(string value)
    {
        int dot = value.IndexOf('.');
        if (dot < 0)
            return value;
        int end = dot + 1;
        while (end < value.Length && char.IsAsciiDigit(value[end]))
            end++;
        return end - dot - 1 <= 7 ? value : value[..(dot + 8)] + value[end..];
    }
}
