using System.CommandLine;
using Builder.Cache.Distribution;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Oci;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild push NAME</c>: sends an image from the local store to the registry its name points at. Layers the
/// store keeps uncompressed are gzipped first (once: the compressed blobs are remembered), as <c>docker push</c> does.
/// </summary>
internal static class PushCommand
{
    public static Command Create(StoreRoot store, RegistryAccess registry, TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "The image, named for its registry: localhost:5000/app:1" };
        var command = new Command("push", "Send an image to a registry") { name };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            ImageRecord image = await images.GetAsync(StoreRoot.ParseReference(result.GetValue(name)!), cancellationToken).ConfigureAwait(false);
            using RegistryClient client = registry.CreateClient(result);
            Descriptor pushed = await new LayerCompressor(images.Content).CompressImageAsync(image.Target, new LayerWriteOptions(), cancellationToken).ConfigureAwait(false);
            PushReport report = await client.PushAsync(images.Content, pushed, image.Reference, mountFrom: null, cancellationToken).ConfigureAwait(false);
            stdout.WriteLine($"{image.Reference.FamiliarName}: digest: {report.Root.Digest} size: {report.Root.Size} " +
                $"({report.BlobsUploaded} blobs uploaded, {report.BlobsSkipped} already there)");
            return 0;
        }));
        return command;
    }
}
