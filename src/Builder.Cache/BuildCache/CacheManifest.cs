using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.BuildCache;

/// <summary>
/// The build cache as an OCI artifact, for <c>--cache-to</c> and <c>--cache-from</c>: an ordinary OCI image manifest
/// whose layers are the cached layer blobs and whose config (media type <see cref="ConfigMediaType"/>) lists the
/// records, cache key → layer, diffID and creation time. Registries store it and tools such as skopeo copy it like
/// any image; only imgbuild reads the config.
/// </summary>
public static class CacheManifest
{
    /// <summary>The media type of the config blob that holds the records.</summary>
    public const string ConfigMediaType = "application/vnd.imgbuild.cache.config.v1+json";

    /// <summary>The image config field that holds the records of an inline cache (<c>--cache-to type=inline</c>).</summary>
    public const string InlineField = "imgbuild.cache.v1";

    /// <summary>Writes the records' config and manifest into <paramref name="content"/> (the layers must be there or be fetched by the exporter).</summary>
    public static Task<Descriptor> WriteAsync(ContentStore content, IReadOnlyDictionary<Digest, CacheRecord> records, CancellationToken cancellationToken) =>
        WriteAsync(content, records, [], cancellationToken);

    /// <summary>
    /// Writes the records' and cache mounts' config and manifest into <paramref name="content"/>; the cache mounts'
    /// layers are layers of the manifest like the records', so a registry keeps them and a push or copy carries them.
    /// </summary>
    public static async Task<Descriptor> WriteAsync(ContentStore content, IReadOnlyDictionary<Digest, CacheRecord> records,
        IReadOnlyList<CacheMountRecord> cacheMounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(cacheMounts);
        Descriptor config = await content.WriteAsync(ConfigMediaType, SerializeConfig(records, cacheMounts), cancellationToken).ConfigureAwait(false);
        ImmutableArray<Descriptor> layers = [.. records.Values.Select(r => r.Layer).Concat(cacheMounts.Select(m => m.Layer))
            .DistinctBy(l => l.Digest).OrderBy(l => l.Digest.ToString(), StringComparer.Ordinal)];
        var manifest = new ImageManifest(MediaTypes.OciManifest, config, layers);
        return await content.WriteAsync(MediaTypes.OciManifest, ManifestSerializer.Serialize(manifest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The config blob: <c>{"records":[{"key":…,"layer":{mediaType,digest,size},"diffID":…,"created":…}]}</c>, sorted by key.</summary>
    public static byte[] SerializeConfig(IReadOnlyDictionary<Digest, CacheRecord> records) => SerializeConfig(records, []);

    /// <summary>
    /// The config blob with cache mounts: after the records, <c>"cacheMounts":[{"id":…,"layer":{…},"diffID":…}]</c>
    /// sorted by id (left out when there are none, so a cache without them has the bytes it always had).
    /// </summary>
    public static byte[] SerializeConfig(IReadOnlyDictionary<Digest, CacheRecord> records, IReadOnlyList<CacheMountRecord> cacheMounts)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(cacheMounts);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("records");
            foreach ((Digest key, CacheRecord record) in records.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("key", key.ToString());
                WriteLayer(json, record.Layer);
                json.WriteString("diffID", record.DiffId.ToString());
                if (record.Created is { } created) json.WriteString("created", created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (cacheMounts.Count > 0)
            {
                json.WriteStartArray("cacheMounts");
                foreach (CacheMountRecord mount in cacheMounts.OrderBy(m => m.Id, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    json.WriteString("id", mount.Id);
                    WriteLayer(json, mount.Layer);
                    json.WriteString("diffID", mount.DiffId.ToString());
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The cache mounts of a config blob; none for a cache exported without <c>cache-mounts=true</c>.</summary>
    /// <exception cref="FormatException">The blob is not a cache config.</exception>
    public static IReadOnlyList<CacheMountRecord> DeserializeCacheMounts(ReadOnlySpan<byte> config)
    {
        var mounts = new List<CacheMountRecord>();
        try
        {
            var reader = new Utf8JsonReader(config);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            if (!document.RootElement.TryGetProperty("cacheMounts", out JsonElement list)) return mounts;
            foreach (JsonElement entry in list.EnumerateArray())
                mounts.Add(new CacheMountRecord(entry.GetProperty("id").GetString()!, ReadLayer(entry.GetProperty("layer")), Digest.Parse(entry.GetProperty("diffID").GetString()!)));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"not an imgbuild cache config: {e.Message}", e);
        }
        return mounts;
    }

    private static void WriteLayer(Utf8JsonWriter json, Descriptor layer)
    {
        json.WriteStartObject("layer");
        json.WriteString("mediaType", layer.MediaType);
        json.WriteString("digest", layer.Digest.ToString());
        json.WriteNumber("size", layer.Size);
        json.WriteEndObject();
    }

    private static Descriptor ReadLayer(JsonElement layer) =>
        new(layer.GetProperty("mediaType").GetString()!, Digest.Parse(layer.GetProperty("digest").GetString()!), layer.GetProperty("size").GetInt64());

    /// <exception cref="FormatException">The blob is not a cache config.</exception>
    public static IReadOnlyDictionary<Digest, CacheRecord> DeserializeConfig(ReadOnlySpan<byte> config)
    {
        var records = new Dictionary<Digest, CacheRecord>();
        try
        {
            var reader = new Utf8JsonReader(config);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            foreach (JsonElement entry in document.RootElement.GetProperty("records").EnumerateArray())
            {
                Descriptor descriptor = ReadLayer(entry.GetProperty("layer"));
                var record = new CacheRecord(descriptor, Digest.Parse(entry.GetProperty("diffID").GetString()!))
                {
                    Created = entry.TryGetProperty("created", out JsonElement created)
                        ? DateTimeOffset.Parse(created.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                        : null,
                };
                records[Digest.Parse(entry.GetProperty("key").GetString()!)] = record;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"not an imgbuild cache config: {e.Message}", e);
        }
        return records;
    }
}
