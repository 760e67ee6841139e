using System.Collections.Immutable;
using System.Text.Json;
using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>
/// <c>&lt;root&gt;/images.json</c>: every image name and the descriptor it points at, sorted by name.
/// <code>{"version":1,"images":{"docker.io/library/app:1":{"mediaType":"…","digest":"sha256:…","size":512}}}</code>
/// It is replaced whole by a rename, so a reader without the lock still sees one complete version.
/// </summary>
internal static class ImagesFile
{
    private const int Version = 1;

    public static async Task<ImmutableSortedDictionary<string, Descriptor>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] json;
        try
        {
            json = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ImmutableSortedDictionary.Create<string, Descriptor>(StringComparer.Ordinal);
        }
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            var images = ImmutableSortedDictionary.CreateBuilder<string, Descriptor>(StringComparer.Ordinal);
            if (document.RootElement.TryGetProperty("images", out JsonElement entries))
            {
                foreach (JsonProperty entry in entries.EnumerateObject())
                {
                    JsonElement d = entry.Value;
                    images[entry.Name] = new Descriptor(
                        d.GetProperty("mediaType").GetString()!, Digest.Parse(d.GetProperty("digest").GetString()!), d.GetProperty("size").GetInt64());
                }
            }
            return images.ToImmutable();
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"the image list {path} is damaged ({e.Message}); restore it or delete it to start with no images", e);
        }
    }

    public static async Task WriteAsync(string path, ImmutableSortedDictionary<string, Descriptor> images, CancellationToken cancellationToken)
    {
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await using (var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("version", Version);
                    writer.WriteStartObject("images");
                    foreach ((string name, Descriptor target) in images)
                    {
                        writer.WriteStartObject(name);
                        writer.WriteString("mediaType", target.MediaType);
                        writer.WriteString("digest", target.Digest.ToString());
                        writer.WriteNumber("size", target.Size);
                        writer.WriteEndObject();
                    }
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
