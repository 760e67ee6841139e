using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Tests.Images;

/// <summary>Small real images written into a store: a config blob, gzip layer blobs and a manifest.</summary>
internal static class TestImages
{
    public sealed record Written(Descriptor Manifest, Descriptor Config, ImmutableArray<Descriptor> Layers);

    public static async Task<Written> WriteAsync(ContentStore store, string name, params byte[][] layers)
    {
        byte[] config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Labels":{"name":"{{{name}}}"}},"rootfs":{"type":"layers","diff_ids":[]}}""");
        Descriptor configDescriptor = await store.WriteAsync(MediaTypes.OciConfig, config);
        var layerDescriptors = ImmutableArray.CreateBuilder<Descriptor>();
        foreach (byte[] layer in layers)
            layerDescriptors.Add(await store.WriteAsync(MediaTypes.OciLayerGzip, layer));
        var manifest = new ImageManifest(MediaTypes.OciManifest, configDescriptor, layerDescriptors.ToImmutable());
        Descriptor manifestDescriptor = await store.WriteAsync(MediaTypes.OciManifest, ManifestSerializer.Serialize(manifest));
        return new Written(manifestDescriptor, configDescriptor, manifest.Layers);
    }

    /// <summary>A gzip stream of <paramref name="size"/> bytes of a pattern seeded by <paramref name="seed"/>: a stand-in layer.</summary>
    public static byte[] Layer(int seed, int size = 4096)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.NoCompression))
        {
            var random = new Random(seed);
            byte[] content = new byte[size];
            random.NextBytes(content);
            gzip.Write(content);
        }
        return buffer.ToArray();
    }
}
