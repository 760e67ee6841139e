using System.Text.Json;
using Builder.Oci;

namespace Builder.Cli.Output;

/// <summary>
/// The <c>--metadata-file</c> document, with the keys docker buildx writes: <c>containerimage.digest</c> (the
/// manifest, or the index of several platforms), <c>containerimage.config.digest</c> (one platform's only), <c>containerimage.descriptor</c> and <c>image.name</c> (the names,
/// comma-separated).
/// </summary>
internal static class BuildMetadata
{
    public static async Task WriteAsync(string path, Descriptor manifest, Digest config, IEnumerable<ImageReference> names, CancellationToken cancellationToken)
    {
        await using FileStream file = File.Create(path);
        await using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        // BuildKit's containerimage exporter sets the config digest for one platform's manifest only, not for an index.
        if (!ManifestSerializer.IsIndex(manifest.MediaType)) json.WriteString("containerimage.config.digest", config.ToString());
        json.WriteStartObject("containerimage.descriptor");
        json.WriteString("mediaType", manifest.MediaType);
        json.WriteString("digest", manifest.Digest.ToString());
        json.WriteNumber("size", manifest.Size);
        json.WriteEndObject();
        json.WriteString("containerimage.digest", manifest.Digest.ToString());
        string joined = string.Join(',', names.Select(n => n.ToString()));
        if (joined.Length > 0) json.WriteString("image.name", joined);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
