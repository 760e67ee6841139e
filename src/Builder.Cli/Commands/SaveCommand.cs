using System.CommandLine;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Oci;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild save NAME -o FILE [--format docker|oci|oci-layout]</c>: writes an image from the local store as a
/// Docker archive (the default, as <c>docker save</c>; it also holds an OCI layout), an OCI archive, or an OCI
/// layout directory. Layers the store keeps uncompressed are gzipped (once: the compressed blobs are remembered).
/// </summary>
internal static class SaveCommand
{
    public static Command Create(StoreRoot store, TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "The image: app:1" };
        var output = new Option<string>("--output", "-o") { Description = "The file (or directory for oci-layout) to write; - is stdout", Required = true };
        var format = new Option<string>("--format") { Description = "docker (default), oci or oci-layout", DefaultValueFactory = _ => "docker" };
        format.AcceptOnlyFromAmong("docker", "oci", "oci-layout");
        var platform = new Option<string?>("--platform") { Description = "From a multi-platform image, the platform a Docker archive holds (default: this machine's)" };
        var command = new Command("save", "Write an image to a Docker or OCI archive") { name, output, format, platform };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            ImageRecord record = await images.GetAsync(StoreRoot.ParseReference(result.GetValue(name)!), cancellationToken).ConfigureAwait(false);
            Descriptor target = await new LayerCompressor(images.Content).CompressImageAsync(record.Target, new LayerWriteOptions(), cancellationToken).ConfigureAwait(false);
            var image = new ExportedImage(target, [record.Reference]);
            string destination = result.GetValue(output)!;
            string kind = result.GetValue(format)!;
            if (kind == "oci-layout")
            {
                await OciLayoutWriter.WriteAsync(images.Content, image, destination, cancellationToken).ConfigureAwait(false);
                return 0;
            }
            Platform selected = result.GetValue(platform) is { } p ? Platform.Parse(p) : Platform.Current;
            Stream stream = destination == "-" ? Console.OpenStandardOutput() : File.Create(destination);
            await using (stream.ConfigureAwait(false))
            {
                if (kind == "oci")
                    await ImageArchiveWriter.WriteOciAsync(images.Content, image, stream, cancellationToken).ConfigureAwait(false);
                else
                    await ImageArchiveWriter.WriteDockerAsync(images.Content, image, selected, stream, cancellationToken).ConfigureAwait(false);
            }
            return 0;
        }));
        return command;
    }
}
