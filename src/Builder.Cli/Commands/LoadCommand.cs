using System.CommandLine;
using Builder.Cache.Export;
using Builder.Cache.Images;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild load -i FILE</c>: reads a Docker archive (ours or <c>docker save</c>'s, gzip-compressed or not), an
/// OCI archive or an OCI layout directory into the local store, under the names it carries.
/// </summary>
internal static class LoadCommand
{
    public static Command Create(StoreRoot store, TextWriter stdout, TextWriter stderr)
    {
        var input = new Option<string>("--input", "-i") { Description = "The archive or OCI layout directory; - (default) is stdin", DefaultValueFactory = _ => "-" };
        var command = new Command("load", "Read images from a Docker or OCI archive into the local store") { input };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            string path = result.GetValue(input)!;
            if (Directory.Exists(path))
            {
                var layout = new OciLayoutReader(path);
                foreach (var entry in layout.Index.Manifests)
                {
                    string? name = entry.Annotations.GetValueOrDefault(OciLayoutWriter.ImageNameAnnotation);
                    var image = new ExportedImage(entry, name is null ? [] : [StoreRoot.ParseReference(name)]);
                    await ImageImporter.ImportAsync(layout, image, images, cancellationToken).ConfigureAwait(false);
                    Report(stdout, image);
                }
                return 0;
            }
            Stream stream = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                using ImageArchive read = await ImageArchiveReader.ReadAsync(stream, images.Content.IngestDirectory, cancellationToken).ConfigureAwait(false);
                foreach (ExportedImage image in read.Images)
                {
                    await ImageImporter.ImportAsync(read, image, images, cancellationToken).ConfigureAwait(false);
                    Report(stdout, image);
                }
            }
            return 0;
        }));
        return command;
    }

    private static void Report(TextWriter stdout, ExportedImage image)
    {
        if (image.Names.IsEmpty) stdout.WriteLine($"Loaded image ID: {image.Root.Digest}");
        foreach (var name in image.Names) stdout.WriteLine($"Loaded image: {name.FamiliarName}");
    }
}
