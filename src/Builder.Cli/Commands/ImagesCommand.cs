using System.CommandLine;
using System.Text.Json;
using Builder.Engine;
using Builder.Cache.Images;
using Builder.Cli.Output;

namespace Builder.Cli.Commands;

/// <summary><c>imgbuild images [--format table|json]</c>: lists the local images with their sizes.</summary>
internal static class ImagesCommand
{
    public static Command Create(StoreRoot store, TextWriter stdout, TextWriter stderr)
    {
        var format = new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("images", "List the images in the local store") { format };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            DiskUsageReport usage = await images.GetDiskUsageAsync(cancellationToken).ConfigureAwait(false);
            if (result.GetValue(format) == "json") WriteJson(stdout, usage, images);
            else WriteTable(stdout, usage, images);
            return 0;
        }));
        return command;
    }

    /// <summary>The repository as a user writes it: <c>app</c> for <c>docker.io/library/app:1</c>.</summary>
    internal static string FamiliarRepository(ImageDiskUsage image) =>
        image.Reference.FamiliarName[..^(image.Reference.Tag!.Length + 1)];

    // docker images' CREATED: how long ago the image config says it was made ("5 minutes ago").
    private static void WriteTable(TextWriter stdout, DiskUsageReport usage, ImageStore images)
    {
        var table = new TextTable("REPOSITORY", "TAG", "DIGEST", "CREATED", "SIZE");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        foreach (ImageDiskUsage image in usage.Images)
            table.Add(FamiliarRepository(image), image.Reference.Tag!, image.Target.Digest.Encoded[..12],
                HumanDuration.Ago(StoredImage.Read(images, image.Target)?.Config.Created, now), ByteSize.Format(image.Size));
        table.Write(stdout);
    }

    private static void WriteJson(TextWriter stdout, DiskUsageReport usage, ImageStore images)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (ImageDiskUsage image in usage.Images)
            {
                json.WriteStartObject();
                json.WriteString("name", image.Reference.ToString());
                json.WriteString("repository", FamiliarRepository(image));
                json.WriteString("tag", image.Reference.Tag);
                json.WriteString("mediaType", image.Target.MediaType);
                json.WriteString("digest", image.Target.Digest.ToString());
                json.WriteNumber("size", image.Size);
                if (StoredImage.Read(images, image.Target)?.Config.Created is { } created) json.WriteString("created", created);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
