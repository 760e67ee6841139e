using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json;
using Builder.Engine;
using Builder.Cache.Images;
using Builder.Cli.Output;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild du [--format table|json]</c>: the disk usage of each image (its shared and unique bytes, as
/// <c>docker system df -v</c> splits them), and every byte the store holds by kind (blobs, unpacked layers, base
/// trees, work folders, cache mounts, …), counted as <c>du -sb</c> counts them.
/// </summary>
internal static class DuCommand
{
    public static Command Create(StoreRoot store, TextWriter stdout, TextWriter stderr)
    {
        var format = new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("du", "Show the disk usage of the local store") { format };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            DiskUsageReport usage = await images.GetDiskUsageAsync(cancellationToken).ConfigureAwait(false);
            ImmutableArray<StoreFolderUsage> kinds = StoreDiskUsage.Measure(images.Content.Layout);
            if (result.GetValue(format) == "json")
            {
                WriteJson(stdout, usage, kinds);
                return 0;
            }
            var table = new TextTable("REPOSITORY", "TAG", "DIGEST", "SIZE", "SHARED", "UNIQUE");
            foreach (ImageDiskUsage image in usage.Images)
            {
                table.Add(ImagesCommand.FamiliarRepository(image), image.Reference.Tag!, image.Target.Digest.Encoded[..12],
                    ByteSize.Format(image.Size), ByteSize.Format(image.SharedSize), ByteSize.Format(image.UniqueSize));
            }
            table.Write(stdout);
            stdout.WriteLine();
            var store = new TextTable("KIND", "SIZE", "ENTRIES");
            foreach (StoreFolderUsage kind in kinds)
                store.Add(kind.Kind, ByteSize.Format(kind.Bytes), kind.Entries.ToString(System.Globalization.CultureInfo.InvariantCulture));
            store.Add("total", ByteSize.Format(kinds.Sum(k => k.Bytes)), kinds.Sum(k => k.Entries).ToString(System.Globalization.CultureInfo.InvariantCulture));
            store.Write(stdout);
            stdout.WriteLine();
            stdout.WriteLine($"Total: {ByteSize.Format(usage.TotalBytes)} in {usage.BlobCount} blobs; images use {ByteSize.Format(usage.ImagesBytes)}, "
                + $"reclaimable {ByteSize.Format(usage.ReclaimableBytes)}, partial writes {ByteSize.Format(usage.IngestBytes)}, "
                + $"build work folders {ByteSize.Format(usage.WorkBytes)}");
            return 0;
        }));
        return command;
    }

    private static void WriteJson(TextWriter stdout, DiskUsageReport usage, ImmutableArray<StoreFolderUsage> kinds)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("images");
            foreach (ImageDiskUsage image in usage.Images)
            {
                json.WriteStartObject();
                json.WriteString("name", image.Reference.ToString());
                json.WriteString("digest", image.Target.Digest.ToString());
                json.WriteNumber("size", image.Size);
                json.WriteNumber("shared", image.SharedSize);
                json.WriteNumber("unique", image.UniqueSize);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("blobs", usage.BlobCount);
            json.WriteNumber("total", usage.TotalBytes);
            json.WriteNumber("images_total", usage.ImagesBytes);
            json.WriteNumber("reclaimable", usage.ReclaimableBytes);
            json.WriteNumber("ingest", usage.IngestBytes);
            json.WriteNumber("work", usage.WorkBytes);
            // Every byte on disk, as du -sb counts it, by kind.
            json.WriteStartObject("store");
            foreach (StoreFolderUsage kind in kinds)
                json.WriteNumber(kind.Kind, kind.Bytes);
            json.WriteNumber("total", kinds.Sum(k => k.Bytes));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
