using System.Collections.Immutable;
using Builder.Cache.Distribution;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// Sends a built image where one <c>--output</c> says: the local store (names, and a push with <c>push=true</c>),
/// a registry, a directory tree or tar of its files, an OCI layout or archive, or a Docker archive.
/// <c>dest=-</c> writes a tar to <paramref name="stdout"/>. A registry output (<c>--push</c>) only pushes, reading
/// blobs through <paramref name="pushBlobs"/> (which may fetch what the store lacks, and is asked only for blobs the
/// registry does not have or cannot mount from <paramref name="mountFrom"/>); the other outputs read the store.
/// </summary>
public sealed class ImageExporter(ImageStore images, RegistryClient registry, Stream stdout, string workDirectory,
    Content.IBlobReader? pushBlobs = null, ImageReference? mountFrom = null)
{
    /// <summary>Exports <paramref name="manifest"/> under <paramref name="names"/> (the build's <c>-t</c> names and the output's <c>name=</c>).</summary>
    /// <exception cref="InvalidOperationException">A registry output has no name to push to.</exception>
    public async Task ExportAsync(OutputSpec output, Descriptor manifest, ImmutableArray<ImageReference> names, Platform platform, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(manifest);
        ImmutableArray<ImageReference> all = [.. names, .. output.Names.Select(ImageReference.Parse)];
        all = [.. all.DistinctBy(n => n.ToString())];
        var image = new ExportedImage(manifest, all);
        switch (output.Type)
        {
            case OutputType.Image:
            case OutputType.Registry:
                if (output.Type == OutputType.Image)
                {
                    foreach (ImageReference name in all)
                        await images.SetAsync(name, manifest, cancellationToken).ConfigureAwait(false);
                }
                if (output.Push || output.Type == OutputType.Registry)
                {
                    if (all.IsEmpty) throw new InvalidOperationException("--push needs a name to push to: add -t REGISTRY/NAME:TAG");
                    foreach (ImageReference name in all)
                    {
                        string? mount = mountFrom?.Registry == name.Registry ? mountFrom.Repository : null;
                        await registry.PushAsync(pushBlobs ?? images.Content, manifest, name, mount, cancellationToken).ConfigureAwait(false);
                    }
                }
                break;
            case OutputType.Local:
                await FilesystemExporter.WriteDirectoryAsync(images.Content, manifest, platform, output.Destination!, cancellationToken).ConfigureAwait(false);
                break;
            case OutputType.OciLayout:
                await OciLayoutWriter.WriteAsync(images.Content, image, output.Destination!, cancellationToken).ConfigureAwait(false);
                break;
            case OutputType.Oci when !output.Tar:
            case OutputType.Docker when !output.Tar:
                await OciLayoutWriter.WriteAsync(images.Content, image, output.Destination!, cancellationToken).ConfigureAwait(false);
                break;
            default:
                Stream destination = output.Destination == "-" ? stdout : File.Create(output.Destination!);
                try
                {
                    if (output.Type == OutputType.Tar)
                        await FilesystemExporter.WriteTarAsync(images.Content, manifest, platform, destination, workDirectory, cancellationToken).ConfigureAwait(false);
                    else if (output.Type == OutputType.Oci)
                        await ImageArchiveWriter.WriteOciAsync(images.Content, image, destination, cancellationToken).ConfigureAwait(false);
                    else
                        await ImageArchiveWriter.WriteDockerAsync(images.Content, image, platform, destination, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (!ReferenceEquals(destination, stdout)) await destination.DisposeAsync().ConfigureAwait(false);
                }
                break;
        }
    }
}
