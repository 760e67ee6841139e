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
    public static async Task<Descriptor> WriteAsync(ContentStore content, IReadOnlyDictionary<Digest, CacheRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(records);
        Descriptor config = await content.WriteAsync(ConfigMediaType, SerializeConfig(records), cancellationToken).ConfigureAwait(false);
        ImmutableArray<Descriptor> layers = [.. records.Values.Select(r => r.Layer).DistinctBy(l => l.Digest).OrderBy(l => l.Digest.ToString(), StringComparer.Ordinal)];
        var manifest = new ImageManifest(MediaTypes.OciManifest, config, layers);
        return await content.WriteAsync(MediaTypes.OciManifest, ManifestSerializer.Serialize(manifest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The config blob: <c>{"records":[{"key":…,"layer":{mediaType,digest,size},"diffID":…,"created":…}]}</c>, sorted by key.</summary>
    public static byte[] SerializeConfig(IReadOnlyDictionary<Digest, CacheRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("records");
            foreach ((Digest key, CacheRecord record) in records.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("key", key.ToString());
                json.WriteStartObject("layer");
                json.WriteString("mediaType", record.Layer.MediaType);
                json.WriteString("digest", record.Layer.Digest.ToString());
                json.WriteNumber("size", record.Layer.Size);
                json.WriteEndObject();
                json.WriteString("diffID", record.DiffId.ToString());
                if (record.Created is { } created) json.WriteString("created", created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

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
                JsonElement layer = entry.GetProperty("layer");
                var descriptor = new Descriptor(layer.GetProperty("mediaType").GetString()!, Digest.Parse(layer.GetProperty("digest").GetString()!), layer.GetProperty("size").GetInt64());
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
