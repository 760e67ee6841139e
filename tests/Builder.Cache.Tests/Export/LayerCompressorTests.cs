using System.Collections.Immutable;
using System.Formats.Tar;
using System.IO.Compression;
using Builder.Cache.Content;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Cache.Tests.Images;
using Builder.Oci;

namespace Builder.Cache.Tests.Export;

public sealed class LayerCompressorTests : IDisposable
{
    private static readonly PruneOptions Everything = new() { KeepRecent = TimeSpan.Zero };

    private readonly TemporaryStore _store = new();

    public void Dispose() => _store.Dispose();

    private ContentStore Content => _store.Content;

    // A real layer tar of 3 files, as a build writes it for the local store: uncompressed, digest = diffID.
    private static byte[] Tar(int seed)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            var random = new Random(seed);
            for (int i = 0; i < 3; i++)
            {
                byte[] data = new byte[100_000];
                random.NextBytes(data.AsSpan(0, 1000));
                tar.WriteEntry(new PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, $"file{i}") { DataStream = new MemoryStream(data) });
            }
        }
        return buffer.ToArray();
    }

    private async Task<(Descriptor Manifest, ImageManifest Parsed)> WriteImageAsync(string manifestType, params Descriptor[] layers)
    {
        ImageConfig config = ImageConfig.Empty(Platform.Parse("linux/amd64")) with { RootFs = new RootFs { DiffIds = [.. layers.Select(l => l.Digest)] } };
        Descriptor configBlob = await Content.WriteAsync(MediaTypes.OciConfig, ImageConfigSerializer.Serialize(config));
        var manifest = new ImageManifest(MediaTypes.OciManifest, configBlob, [.. layers]);
        manifest = manifestType == MediaTypes.DockerManifest ? ManifestFlavour.ToDocker(manifest) : manifest;
        return (await Content.WriteAsync(manifest.MediaType, ManifestSerializer.Serialize(manifest)), manifest);
    }

    private async Task<ImageManifest> ReadManifestAsync(Descriptor manifest) =>
        ManifestSerializer.DeserializeManifest(await Content.ReadAllBytesAsync(manifest.Digest));

    // Descriptor equality compares annotations by reference.
    private static (string, Digest, long) Key(Descriptor d) => (d.MediaType, d.Digest, d.Size);

    private static byte[] Gunzip(byte[] blob)
    {
        using var gzip = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    [Fact]
    public async Task CompressImageAsync_UncompressedLayer_GzipsItAndKeepsConfigAndCompressedLayers()
    {
        byte[] tar = Tar(1);
        Descriptor plain = await Content.WriteAsync(MediaTypes.OciLayerTar, tar);
        Descriptor pulled = await Content.WriteAsync(MediaTypes.OciLayerGzip, TestImages.Layer(2));
        (Descriptor root, ImageManifest before) = await WriteImageAsync(MediaTypes.OciManifest, pulled, plain);

        Descriptor exported = await new LayerCompressor(Content).CompressImageAsync(root, new LayerWriteOptions(), CancellationToken.None);

        ImageManifest after = await ReadManifestAsync(exported);
        Assert.NotEqual(root.Digest, exported.Digest);
        Assert.Equal(Key(before.Config), Key(after.Config));
        Assert.Equal(Key(pulled), Key(after.Layers[0]));
        Assert.Equal(MediaTypes.OciLayerGzip, after.Layers[1].MediaType);
        byte[] blob = await Content.ReadAllBytesAsync(after.Layers[1].Digest);
        Assert.Equal(after.Layers[1].Size, blob.Length);
        Assert.Equal(tar, Gunzip(blob));
    }

    [Fact]
    public async Task CompressImageAsync_DockerManifest_UsesDockerGzipType()
    {
        Descriptor plain = await Content.WriteAsync(MediaTypes.DockerLayerTar, Tar(1));
        (Descriptor root, _) = await WriteImageAsync(MediaTypes.DockerManifest, plain);

        Descriptor exported = await new LayerCompressor(Content).CompressImageAsync(root, new LayerWriteOptions(), CancellationToken.None);

        Assert.Equal(MediaTypes.DockerManifest, exported.MediaType);
        Assert.Equal(MediaTypes.DockerLayerGzip, Assert.Single((await ReadManifestAsync(exported)).Layers).MediaType);
    }

    [Fact]
    public async Task CompressImageAsync_DockerManifestWithZstd_ThrowsSayingSo()
    {
        Descriptor plain = await Content.WriteAsync(MediaTypes.DockerLayerTar, Tar(1));
        (Descriptor root, _) = await WriteImageAsync(MediaTypes.DockerManifest, plain);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => new LayerCompressor(Content)
            .CompressImageAsync(root, new LayerWriteOptions { Compression = LayerCompression.Zstd }, CancellationToken.None));

        Assert.Contains("oci-mediatypes=true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompressImageAsync_NothingUncompressed_ReturnsTheSameRoot()
    {
        Descriptor pulled = await Content.WriteAsync(MediaTypes.OciLayerGzip, TestImages.Layer(2));
        (Descriptor root, _) = await WriteImageAsync(MediaTypes.OciManifest, pulled);
        int blobs = Content.Enumerate().Count();

        Descriptor exported = await new LayerCompressor(Content).CompressImageAsync(root, new LayerWriteOptions(), CancellationToken.None);

        Assert.Equal(Key(root), Key(exported));
        Assert.Equal(blobs, Content.Enumerate().Count());
    }

    [Fact]
    public async Task CompressImageAsync_Twice_SecondReusesTheRememberedBlob()
    {
        Descriptor plain = await Content.WriteAsync(MediaTypes.OciLayerTar, Tar(1));
        (Descriptor root, _) = await WriteImageAsync(MediaTypes.OciManifest, plain);
        var first = new LayerCompressor(Content);
        Descriptor once = await first.CompressImageAsync(root, new LayerWriteOptions(), CancellationToken.None);
        int blobs = Content.Enumerate().Count();

        var second = new LayerCompressor(new ContentStore(_store.Root));
        Descriptor twice = await second.CompressImageAsync(root, new LayerWriteOptions(), CancellationToken.None);

        Assert.Equal((1, 0), (first.LayersCompressed, first.LayersReused));
        Assert.Equal((0, 1), (second.LayersCompressed, second.LayersReused));
        Assert.Equal(Key(once), Key(twice));
        Assert.Equal(blobs, Content.Enumerate().Count());
    }

    [Fact]
    public async Task CompressImageAsync_OtherLevel_IsRememberedApart()
    {
        Descriptor plain = await Content.WriteAsync(MediaTypes.OciLayerTar, Tar(1));
        (Descriptor root, _) = await WriteImageAsync(MediaTypes.OciManifest, plain);
        var compressor = new LayerCompressor(Content);
        Descriptor level6 = await compressor.CompressImageAsync(root, new LayerWriteOptions(), CancellationToken.None);

        Descriptor level1 = await compressor.CompressImageAsync(root, new LayerWriteOptions { CompressionLevel = 1 }, CancellationToken.None);

        Assert.Equal((2, 0), (compressor.LayersCompressed, compressor.LayersReused));
        Assert.NotEqual(level6.Digest, level1.Digest);
        Assert.Equal(2, new CompressedLayerMemo(Content).List().Count());
    }

    [Fact]
    public async Task CompressLayerAsync_RememberedBlobDeleted_CompressesAgain()
    {
        Descriptor plain = await Content.WriteAsync(MediaTypes.OciLayerTar, Tar(1));
        var compressor = new LayerCompressor(Content);
        Descriptor gzip = await compressor.CompressLayerAsync(plain, new LayerWriteOptions(), CancellationToken.None);
        Content.Delete(gzip.Digest);

        Descriptor again = await compressor.CompressLayerAsync(plain, new LayerWriteOptions(), CancellationToken.None);

        Assert.Equal(Key(gzip), Key(again));
        Assert.Equal(2, compressor.LayersCompressed);
        Assert.True(Content.Contains(again.Digest));
    }

    [Fact]
    public async Task CompressLayerAsync_SameTarAsStepTimeGzip_GivesTheSameBlob()
    {
        byte[] tar = Tar(3);
        Descriptor plain = await Content.WriteAsync(MediaTypes.OciLayerTar, tar);
        using var direct = new MemoryStream();
        LayerWriteResult atStepTime = await LayerWriter.CompressAsync(new MemoryStream(tar), direct, new LayerWriteOptions());

        Descriptor late = await new LayerCompressor(Content).CompressLayerAsync(plain, new LayerWriteOptions(), CancellationToken.None);

        Assert.Equal(Key(atStepTime.Descriptor), Key(late));
        Assert.Equal(plain.Digest, atStepTime.DiffId);
    }

    [Fact]
    public async Task CompressImageAsync_Index_RewritesTheChildManifest()
    {
        Descriptor plain = await Content.WriteAsync(MediaTypes.OciLayerTar, Tar(1));
        (Descriptor manifest, _) = await WriteImageAsync(MediaTypes.OciManifest, plain);
        Descriptor child = manifest with { Platform = Platform.Parse("linux/amd64") };
        Descriptor root = await Content.WriteAsync(MediaTypes.OciIndex, ManifestSerializer.Serialize(new ImageIndex(MediaTypes.OciIndex, [child])));

        Descriptor exported = await new LayerCompressor(Content).CompressImageAsync(root, new LayerWriteOptions(), CancellationToken.None);

        Descriptor exportedChild = Assert.Single(ManifestSerializer.DeserializeIndex(await Content.ReadAllBytesAsync(exported.Digest)).Manifests);
        Assert.NotEqual(manifest.Digest, exportedChild.Digest);
        Assert.Equal(child.Platform, exportedChild.Platform);
        Assert.Equal(MediaTypes.OciLayerGzip, Assert.Single((await ReadManifestAsync(exportedChild)).Layers).MediaType);
    }

    [Fact]
    public async Task GarbageCollector_RememberedBlobOfTaggedImagesLayer_IsKept()
    {
        var images = new ImageStore(Content);
        Descriptor plain = await Content.WriteAsync(MediaTypes.OciLayerTar, Tar(1));
        (Descriptor root, _) = await WriteImageAsync(MediaTypes.OciManifest, plain);
        await images.SetAsync(ImageReference.Parse("app:1"), root);
        Descriptor gzip = await new LayerCompressor(Content).CompressLayerAsync(plain, new LayerWriteOptions(), CancellationToken.None);

        await new GarbageCollector(images).PruneAsync(Everything);

        Assert.True(Content.Contains(gzip.Digest));
        Assert.Single(new CompressedLayerMemo(Content).List());
    }

    [Fact]
    public async Task GarbageCollector_RememberedBlobOfUnusedLayer_GoesWithItsEntry()
    {
        var images = new ImageStore(Content);
        Descriptor plain = await Content.WriteAsync(MediaTypes.OciLayerTar, Tar(1));
        Descriptor gzip = await new LayerCompressor(Content).CompressLayerAsync(plain, new LayerWriteOptions(), CancellationToken.None);

        PruneReport report = await new GarbageCollector(images).PruneAsync(Everything);

        Assert.Contains(report.RemovedBlobs, b => b.Digest == gzip.Digest);
        Assert.False(Content.Contains(gzip.Digest));
        Assert.Empty(new CompressedLayerMemo(Content).List());
    }

    [Fact]
    public async Task DiskUsage_RememberedBlobOfTaggedImagesLayer_IsNotReclaimable()
    {
        var images = new ImageStore(Content);
        Descriptor plain = await Content.WriteAsync(MediaTypes.OciLayerTar, Tar(1));
        (Descriptor root, _) = await WriteImageAsync(MediaTypes.OciManifest, plain);
        await images.SetAsync(ImageReference.Parse("app:1"), root);
        await new LayerCompressor(Content).CompressLayerAsync(plain, new LayerWriteOptions(), CancellationToken.None);

        DiskUsageReport usage = await images.GetDiskUsageAsync();

        Assert.Equal(0, usage.ReclaimableBytes);
    }
}
