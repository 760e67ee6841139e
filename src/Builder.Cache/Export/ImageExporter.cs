using System.Collections.Immutable;
using Builder.Cache.Distribution;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// Sends a built image where one <c>--output</c> says: the local store (names, and a push with <c>push=true</c>),
/// a registry, a directory tree or tar of its files, an OCI layout or archive, or a Docker archive.
/// <c>dest=-</c> writes a tar to <paramref name="stdout"/>. A registry output (<c>--push</c>) only pushes, reading
/// blobs through <paramref name="pushBlobs"/> (which may fetch what the store lacks, and is asked only for blobs the
/// registry does not have or cannot mount from <paramref name="mountFrom"/>); the other outputs read the store.
/// The local store may keep layers uncompressed; outputs that leave the machine (a push, an OCI or Docker archive,
/// an OCI layout) get them compressed as the output says, through a <see cref="LayerCompressor"/>.
/// <c>type=docker</c> without <c>dest</c> loads the image into the Docker engine <paramref name="docker"/> talks to.
/// </summary>
public sealed class ImageExporter(ImageStore images, RegistryClient registry, Stream stdout, string workDirectory,
    Content.IBlobReader? pushBlobs = null, ImageReference? mountFrom = null, DockerEngineClient? docker = null)
{
    private readonly LayerCompressor _compressor = new(images.Content);
    private readonly List<DockerLoadResult> _loads = [];

    /// <summary>What the loads into the Docker engine so far did, in order.</summary>
    public IReadOnlyList<DockerLoadResult> DockerLoads => _loads;

    /// <summary>How many layers the exports so far compressed, and how many they found compressed already.</summary>
    public (int Compressed, int Reused) LayersCompressed => (_compressor.LayersCompressed, _compressor.LayersReused);

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
                    Descriptor pushed = await CompressedAsync(output, manifest, cancellationToken).ConfigureAwait(false);
                    foreach (ImageReference name in all)
                    {
                        string? mount = mountFrom?.Registry == name.Registry ? mountFrom.Repository : null;
                        await registry.PushAsync(pushBlobs ?? images.Content, pushed, name, mount, cancellationToken).ConfigureAwait(false);
                    }
                }
                break;
            case OutputType.Docker when output.Destination is null:
                if (docker is null) throw new InvalidOperationException("--output type=docker without dest loads into the Docker engine, and this exporter has none");
                _loads.Add(await new DockerImageLoader(docker).LoadAsync(images.Content, image, platform, cancellationToken).ConfigureAwait(false));
                break;
            case OutputType.Local:
                await FilesystemExporter.WriteDirectoryAsync(images.Content, manifest, platform, output.Destination!, cancellationToken).ConfigureAwait(false);
                break;
            case OutputType.OciLayout:
            case OutputType.Oci when !output.Tar:
            case OutputType.Docker when !output.Tar:
                await OciLayoutWriter.WriteAsync(images.Content, image with { Root = await CompressedAsync(output, manifest, cancellationToken).ConfigureAwait(false) },
                    output.Destination!, cancellationToken).ConfigureAwait(false);
                break;
            default:
                Stream destination = output.Destination == "-" ? stdout : File.Create(output.Destination!);
                try
                {
                    if (output.Type == OutputType.Tar)
                        await FilesystemExporter.WriteTarAsync(images.Content, manifest, platform, destination, workDirectory, cancellationToken).ConfigureAwait(false);
                    else if (output.Type == OutputType.Oci)
                        await ImageArchiveWriter.WriteOciAsync(images.Content, image with { Root = await CompressedAsync(output, manifest, cancellationToken).ConfigureAwait(false) },
                            destination, cancellationToken).ConfigureAwait(false);
                    else
                        await ImageArchiveWriter.WriteDockerAsync(images.Content, image with { Root = await CompressedAsync(output, manifest, cancellationToken).ConfigureAwait(false) },
                            platform, destination, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (!ReferenceEquals(destination, stdout)) await destination.DisposeAsync().ConfigureAwait(false);
                }
                break;
        }
    }

    // The image as the output sends it: layers the store keeps uncompressed get the output's compression and level.
    private Task<Descriptor> CompressedAsync(OutputSpec output, Descriptor manifest, CancellationToken cancellationToken) =>
        _compressor.CompressImageAsync(manifest, new LayerWriteOptions { Compression = output.Compression, CompressionLevel = output.CompressionLevel },
            cancellationToken);
}
