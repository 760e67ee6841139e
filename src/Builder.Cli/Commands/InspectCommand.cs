using System.CommandLine;
using System.Text.Json;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild inspect NAME</c>: prints <c>{"name":…,"digest":…,"manifest":…,"config":…}</c> for an image, or
/// <c>{"name":…,"digest":…,"index":…}</c> for a multi-platform index, the documents as stored. <c>NAME@DIGEST</c> finds
/// the image by digest when the store has it without that name.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(StoreRoot store, TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "An image name: app:1 or app@sha256:…" };
        var command = new Command("inspect", "Print an image's manifest and config as JSON") { name };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            ImageReference reference = StoreRoot.ParseReference(result.GetValue(name)!);
            ImageRecord image = await images.FindAsync(reference, cancellationToken).ConfigureAwait(false) is { } named ? named
                : reference.Digest is { } digest && images.Content.Contains(digest)
                    // NAME@DIGEST of an image the store has without that name (pulled by digest): its content names it.
                    ? new ImageRecord(reference, new Descriptor(ManifestSerializer.DetectMediaType(
                        await images.Content.ReadAllBytesAsync(digest, cancellationToken).ConfigureAwait(false)), digest, images.Content.GetInfo(digest).Size))
                    : throw new ImageNotFoundException(reference);
            byte[] target = await images.Content.ReadAllBytesAsync(image.Target.Digest, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteString("name", image.Reference.ToString());
                json.WriteString("digest", image.Target.Digest.ToString());
                if (ManifestSerializer.IsIndex(image.Target.MediaType))
                {
                    WriteDocument(json, "index", target);
                }
                else
                {
                    ImageManifest manifest = ManifestSerializer.DeserializeManifest(target);
                    WriteDocument(json, "manifest", target);
                    WriteDocument(json, "config",
                        await images.Content.ReadAllBytesAsync(manifest.Config.Digest, cancellationToken).ConfigureAwait(false));
                }
                json.WriteEndObject();
            }
            stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            return 0;
        }));
        return command;
    }

    private static void WriteDocument(Utf8JsonWriter json, string property, byte[] document)
    {
        using JsonDocument parsed = JsonDocument.Parse(document);
        json.WritePropertyName(property);
        parsed.RootElement.WriteTo(json);
    }
}
