using Builder.Cache.Content;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cache.Tests.Images;

public sealed class ImageAssemblerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-assembler-test-").FullName;

    private async Task<(ContentStore Content, ImageLayer Layer)> StoreWithLayerAsync()
    {
        var content = new ContentStore(_root);
        Descriptor blob = await content.WriteAsync(MediaTypes.OciLayerGzip, new byte[] { 0x1f, 0x8b, 1, 2, 3 });
        return (content, new ImageLayer(blob, Digest.Sha256Of("uncompressed"u8)));
    }

    [Fact]
    public async Task AssembleAsync_Layers_SetDiffIdsAndManifestLayers()
    {
        (ContentStore content, ImageLayer layer) = await StoreWithLayerAsync();

        Descriptor manifest = await ImageAssembler.AssembleAsync(content, ImageConfig.Empty(Platform.Parse("linux/amd64")), [layer], true, CancellationToken.None);

        ImageManifest read = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(content, manifest.Digest));
        ImageConfig config = ImageConfigSerializer.Deserialize(ImageBlobs.ReadAll(content, read.Config.Digest));
        Assert.Equal([layer.DiffId], config.RootFs.DiffIds.ToArray());
        Assert.Equal([layer.Blob.Digest], read.Layers.Select(l => l.Digest));
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
    }

    [Fact]
    public async Task AssembleAsync_DockerMediaTypes_WritesSchema2()
    {
        (ContentStore content, ImageLayer layer) = await StoreWithLayerAsync();

        Descriptor manifest = await ImageAssembler.AssembleAsync(content, ImageConfig.Empty(Platform.Parse("linux/amd64")), [layer], false, CancellationToken.None);

        ImageManifest read = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(content, manifest.Digest));
        Assert.Equal((MediaTypes.DockerManifest, MediaTypes.DockerConfig, MediaTypes.DockerLayerGzip),
            (manifest.MediaType, read.Config.MediaType, read.Layers[0].MediaType));
    }

    [Theory]
    [InlineData(true, MediaTypes.OciIndex)]
    [InlineData(false, MediaTypes.DockerManifestList)]
    public async Task AssembleIndexAsync_TwoPlatforms_ListsEachManifestWithItsPlatform(bool ociMediaTypes, string indexType)
    {
        (ContentStore content, ImageLayer layer) = await StoreWithLayerAsync();
        Platform amd64 = Platform.Parse("linux/amd64"), arm64 = Platform.Parse("linux/arm64");
        Descriptor first = await ImageAssembler.AssembleAsync(content, ImageConfig.Empty(amd64), [layer], ociMediaTypes, CancellationToken.None);
        Descriptor second = await ImageAssembler.AssembleAsync(content, ImageConfig.Empty(arm64), [layer], ociMediaTypes, CancellationToken.None);

        Descriptor index = await ImageAssembler.AssembleIndexAsync(content, [(first, amd64), (second, arm64)], CancellationToken.None);

        ImageIndex read = ManifestSerializer.DeserializeIndex(ImageBlobs.ReadAll(content, index.Digest));
        Assert.Equal((indexType, indexType), (index.MediaType, read.MediaType));
        Assert.Equal([(first.Digest, amd64), (second.Digest, arm64)], read.Manifests.Select(m => (m.Digest, m.Platform!)));
    }

    [Fact]
    public async Task AssembleAsync_SameInputsTwice_SameDigest()
    {
        (ContentStore content, ImageLayer layer) = await StoreWithLayerAsync();
        ImageConfig config = ImageConfig.Empty(Platform.Parse("linux/amd64")) with { Created = DateTimeOffset.UnixEpoch };

        Descriptor first = await ImageAssembler.AssembleAsync(content, config, [layer], true, CancellationToken.None);
        Descriptor second = await ImageAssembler.AssembleAsync(content, config, [layer], true, CancellationToken.None);

        Assert.Equal(first.Digest, second.Digest);
    }

    [Fact]
    public async Task AssembleAsync_LayerNotInStore_FailsNamingIt()
    {
        var content = new ContentStore(_root);
        var missing = new ImageLayer(new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256Of("gone"u8), 4), Digest.Sha256Of("x"u8));

        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() =>
            ImageAssembler.AssembleAsync(content, ImageConfig.Empty(Platform.Parse("linux/amd64")), [missing], true, CancellationToken.None));

        Assert.Equal(missing.Blob.Digest, error.Digest);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
