using System.CommandLine;
using Builder.Cache.Images;
using Builder.Cli.Output;
using Builder.Engine;
using Builder.Oci;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild history NAME [--no-trunc]</c>: the image's history, newest first, in <c>docker history</c>'s columns
/// IMAGE, CREATED, CREATED BY, SIZE, COMMENT. As for an image BuildKit built, only the top row has an image ID (the
/// config digest); the others are <c>&lt;missing&gt;</c>.
/// </summary>
internal static class HistoryCommand
{
    // docker/cli's history formatter: CREATED BY is cut to 45 columns, the last one an ellipsis.
    private const int CreatedByWidth = 45;

    public static Command Create(StoreRoot store, TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "An image name: app:1 or app@sha256:…" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Do not truncate the image ID and CREATED BY" };
        var command = new Command("history", "Show the history of an image") { name, noTrunc };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            ImageRecord record = await images.GetAsync(StoreRoot.ParseReference(result.GetValue(name)!), cancellationToken).ConfigureAwait(false);
            StoredImage image = StoredImage.Read(images, record.Target)
                ?? throw new InvalidDataException($"the image {record.Reference} has no manifest or config for {Platform.Current} in the store");
            bool full = result.GetValue(noTrunc);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            var rows = new List<string[]>();
            int layer = 0;
            foreach (HistoryEntry entry in image.Config.History)
            {
                long size = 0;
                if (!entry.EmptyLayer && layer < image.Manifest.Layers.Length) size = image.Manifest.Layers[layer++].Size;
                string createdBy = (entry.CreatedBy ?? "").Replace('\t', ' ');
                rows.Add(["<missing>", HumanDuration.Ago(entry.Created, now), full ? createdBy : Ellipsis(createdBy, CreatedByWidth),
                          ByteSize.Format(size), entry.Comment ?? ""]);
            }
            rows.Reverse();
            if (rows.Count > 0) rows[0][0] = full ? image.ConfigDigest.ToString() : image.ConfigDigest.Encoded[..12];
            var table = new TextTable("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
            foreach (string[] row in rows) table.Add(row);
            table.Write(stdout);
            return 0;
        }));
        return command;
    }

    private static string Ellipsis(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
