using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cli.Tests.Store;

/// <summary>A store in a temporary root, seeded with small real images (config, gzip layers, manifest).</summary>
internal sealed class SeededStore : IDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _environment;

    /// <summary>A new store; commands run with <paramref name="environment"/> over the process's variables.</summary>
    public SeededStore(IReadOnlyDictionary<string, string?>? environment = null)
    {
        _environment = environment ?? new Dictionary<string, string?>();
        Root = Path.Combine(Path.GetTempPath(), $"imgbuild-cli-{Guid.NewGuid():N}");
        Content = new ContentStore(Root);
        Images = new ImageStore(Content);
    }

    public string Root { get; }

    public ContentStore Content { get; }

    public ImageStore Images { get; }

    /// <summary>Writes an image whose layers are gzip streams of the given sizes, and tags it <paramref name="name"/>.</summary>
    public async Task<Descriptor> AddImageAsync(string name, params int[] layerSizes)
    {
        byte[] config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Env":["NAME={{{name}}}"]},"rootfs":{"type":"layers","diff_ids":[]}}""");
        Descriptor configDescriptor = await Content.WriteAsync(MediaTypes.OciConfig, config);
        var layers = ImmutableArray.CreateBuilder<Descriptor>();
        foreach (int size in layerSizes)
            layers.Add(await Content.WriteAsync(MediaTypes.OciLayerGzip, Layer(size)));
        byte[] manifest = ManifestSerializer.Serialize(new ImageManifest(MediaTypes.OciManifest, configDescriptor, layers.ToImmutable()));
        Descriptor manifestDescriptor = await Content.WriteAsync(MediaTypes.OciManifest, manifest);
        await Images.SetAsync(ImageReference.Parse(name), manifestDescriptor);
        return manifestDescriptor;
    }

    /// <summary>Makes every blob look written long ago, outside prune's default keep-recent window.</summary>
    public void AgeBlobs()
    {
        foreach (BlobInfo blob in Content.Enumerate())
            File.SetLastWriteTimeUtc(Content.GetBlobPath(blob.Digest), DateTime.UtcNow.AddDays(-1));
    }

    public (int Status, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int status = ImgbuildCommand.Run(["--root", Root, .. args], stdout, stderr, CliEnvironment.With(_environment));
        return (status, stdout.ToString(), stderr.ToString());
    }

    // Random bytes stored uncompressed, so the layer's size is predictable and no two layers are equal.
    private static byte[] Layer(int size)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.NoCompression))
            gzip.Write(System.Security.Cryptography.RandomNumberGenerator.GetBytes(size));
        return buffer.ToArray();
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
