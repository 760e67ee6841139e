using System.Buffers;
using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Builder.Oci;

/// <summary>
/// Reads and writes image manifests and indexes (OCI and Docker schema 2) as JSON. Writing is deterministic:
/// compact, fields in the order of the specs' examples, annotations sorted by key, so the same manifest always has
/// the same digest.
/// </summary>
public static class ManifestSerializer
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Serialises a manifest to UTF-8 JSON.</summary>
    public static byte[] Serialize(ImageManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Write(writer =>
        {
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", manifest.MediaType);
            writer.WritePropertyName("config");
            WriteDescriptor(writer, manifest.Config);
            writer.WriteStartArray("layers");
            foreach (Descriptor layer in manifest.Layers)
                WriteDescriptor(writer, layer);
            writer.WriteEndArray();
            WriteAnnotations(writer, manifest.Annotations);
        });
    }

    /// <summary>Serialises an index (or Docker manifest list) to UTF-8 JSON.</summary>
    public static byte[] Serialize(ImageIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Write(writer =>
        {
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", index.MediaType);
            writer.WriteStartArray("manifests");
            foreach (Descriptor manifest in index.Manifests)
                WriteDescriptor(writer, manifest);
            writer.WriteEndArray();
            WriteAnnotations(writer, index.Annotations);
        });
    }

    /// <summary>Whether <paramref name="mediaType"/> names an index or manifest list rather than a single manifest.</summary>
    public static bool IsIndex(string mediaType) => mediaType is MediaTypes.OciIndex or MediaTypes.DockerManifestList;

    /// <summary>
    /// The media type a manifest document declares: its <c>mediaType</c> field, or for an OCI document without
    /// one, index or manifest by whether it has <c>manifests</c> (image-spec allows the field to be absent).
    /// </summary>
    /// <exception cref="FormatException">The bytes are not a JSON object.</exception>
    public static string DetectMediaType(ReadOnlySpan<byte> json)
    {
        using JsonDocument document = Parse(json);
        JsonElement root = document.RootElement;
        if (root.TryGetProperty("mediaType", out JsonElement mediaType) && mediaType.ValueKind == JsonValueKind.String)
            return mediaType.GetString()!;
        return root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
    }

    /// <summary>Reads an image manifest.</summary>
    /// <exception cref="FormatException">The JSON is malformed, has another schema version, or is an index.</exception>
    public static ImageManifest DeserializeManifest(ReadOnlySpan<byte> json)
    {
        using JsonDocument document = Parse(json);
        JsonElement root = document.RootElement;
        CheckSchemaVersion(root);
        string mediaType = OptionalString(root, "mediaType") ?? MediaTypes.OciManifest;
        if (mediaType is not (MediaTypes.OciManifest or MediaTypes.DockerManifest))
            throw new FormatException($"expected an image manifest, got media type '{mediaType}'");
        if (!root.TryGetProperty("config", out JsonElement config))
            throw new FormatException("the manifest has no 'config'");
        return new ImageManifest(mediaType, ReadDescriptor(config, "config"), ReadDescriptors(root, "layers"))
        {
            Annotations = ReadAnnotations(root),
        };
    }

    /// <summary>Reads an image index or Docker manifest list.</summary>
    /// <exception cref="FormatException">The JSON is malformed, has another schema version, or is not an index.</exception>
    public static ImageIndex DeserializeIndex(ReadOnlySpan<byte> json)
    {
        using JsonDocument document = Parse(json);
        JsonElement root = document.RootElement;
        CheckSchemaVersion(root);
        string mediaType = OptionalString(root, "mediaType") ?? MediaTypes.OciIndex;
        if (!IsIndex(mediaType))
            throw new FormatException($"expected an image index, got media type '{mediaType}'");
        return new ImageIndex(mediaType, ReadDescriptors(root, "manifests")) { Annotations = ReadAnnotations(root) };
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteDescriptor(Utf8JsonWriter writer, Descriptor descriptor)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType", descriptor.MediaType);
        writer.WriteString("digest", descriptor.Digest.ToString());
        writer.WriteNumber("size", descriptor.Size);
        WriteAnnotations(writer, descriptor.Annotations);
        if (descriptor.Platform is { } platform)
        {
            writer.WriteStartObject("platform");
            writer.WriteString("architecture", platform.Architecture);
            writer.WriteString("os", platform.OS);
            if (platform.Variant.Length > 0)
                writer.WriteString("variant", platform.Variant);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static void WriteAnnotations(Utf8JsonWriter writer, ImmutableSortedDictionary<string, string> annotations)
    {
        if (annotations.IsEmpty) return;
        writer.WriteStartObject("annotations");
        foreach ((string key, string value) in annotations)
            writer.WriteString(key, value);
        writer.WriteEndObject();
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new FormatException($"the manifest is not valid JSON: {e.Message}", e);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new FormatException("the manifest is not a JSON object");
        }
        return document;
    }

    private static void CheckSchemaVersion(JsonElement root)
    {
        if (!root.TryGetProperty("schemaVersion", out JsonElement version) || version.ValueKind != JsonValueKind.Number ||
            !version.TryGetInt32(out int value) || value != 2)
        {
            throw new FormatException("only schemaVersion 2 manifests are supported (Docker schema 1 is deprecated)");
        }
    }

    private static ImmutableArray<Descriptor> ReadDescriptors(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement array) || array.ValueKind == JsonValueKind.Null)
            return [];
        if (array.ValueKind != JsonValueKind.Array)
            throw new FormatException($"'{name}' must be an array");
        var builder = ImmutableArray.CreateBuilder<Descriptor>(array.GetArrayLength());
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
            builder.Add(ReadDescriptor(item, $"{name}[{i++}]"));
        return builder.MoveToImmutable();
    }

    private static Descriptor ReadDescriptor(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new FormatException($"'{where}' must be an object");
        string mediaType = OptionalString(element, "mediaType") ?? throw new FormatException($"'{where}' has no mediaType");
        string digest = OptionalString(element, "digest") ?? throw new FormatException($"'{where}' has no digest");
        if (!element.TryGetProperty("size", out JsonElement size) || !size.TryGetInt64(out long bytes) || bytes < 0)
            throw new FormatException($"'{where}' has no valid size");
        Platform? platform = null;
        if (element.TryGetProperty("platform", out JsonElement p) && p.ValueKind == JsonValueKind.Object)
        {
            string os = OptionalString(p, "os") ?? throw new FormatException($"'{where}.platform' has no os");
            string architecture = OptionalString(p, "architecture") ?? throw new FormatException($"'{where}.platform' has no architecture");
            platform = new Platform(os, architecture, OptionalString(p, "variant"));
        }
        return new Descriptor(mediaType, Digest.Parse(digest), bytes) { Platform = platform, Annotations = ReadAnnotations(element) };
    }

    private static ImmutableSortedDictionary<string, string> ReadAnnotations(JsonElement element)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("annotations", out JsonElement annotations) && annotations.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in annotations.EnumerateObject())
                builder[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }
        return builder.ToImmutable();
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
