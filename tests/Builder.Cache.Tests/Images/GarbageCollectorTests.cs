using System.Collections.Immutable;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cache.Tests.Images;

public sealed class GarbageCollectorTests : IDisposable
{
    private static readonly PruneOptions Everything = new() { KeepRecent = TimeSpan.Zero };

    private readonly TemporaryStore _store = new();
    private readonly ImageStore _images;
    private readonly GarbageCollector _collector;

    public GarbageCollectorTests()
    {
        _images = new ImageStore(_store.Content);
        _collector = new GarbageCollector(_images);
    }

    public void Dispose() => _store.Dispose();

    private ContentStore Content => _store.Content;

    [Fact]
    public async Task PruneAsync_TaggedImage_KeepsManifestConfigAndLayersAndRemovesStrayBlob()
    {
        TestImages.Written image = await TestImages.WriteAsync(Content, "a", TestImages.Layer(1), TestImages.Layer(2));
        await _images.SetAsync(ImageReference.Parse("app:1"), image.Manifest);
        BlobInfo stray = await Content.WriteAsync(new byte[500]);

        PruneReport report = await _collector.PruneAsync(Everything);

        Assert.Equal(stray.Digest, Assert.Single(report.RemovedBlobs).Digest);
        Assert.Equal(500, report.BytesFreed);
        Assert.False(Content.Contains(stray.Digest));
        Assert.All(image.Layers.Add(image.Config).Add(image.Manifest), d => Assert.True(Content.Contains(d.Digest)));
    }

    [Fact]
    public async Task PruneAsync_AfterRemove_FreesAllTheImageBytes()
    {
        TestImages.Written image = await TestImages.WriteAsync(Content, "a", TestImages.Layer(1));
        await _images.SetAsync(ImageReference.Parse("app:1"), image.Manifest);
        await _images.RemoveAsync(ImageReference.Parse("app:1"));

        PruneReport report = await _collector.PruneAsync(Everything);

        Assert.Equal(image.Manifest.Size + image.Config.Size + image.Layers[0].Size, report.BytesFreed);
        Assert.Empty(Content.Enumerate());
    }

    [Fact]
    public async Task PruneAsync_LayerSharedWithRemainingImage_IsKept()
    {
        byte[] shared = TestImages.Layer(1);
        TestImages.Written kept = await TestImages.WriteAsync(Content, "kept", shared);
        TestImages.Written gone = await TestImages.WriteAsync(Content, "gone", shared, TestImages.Layer(2));
        await _images.SetAsync(ImageReference.Parse("kept:1"), kept.Manifest);

        PruneReport report = await _collector.PruneAsync(Everything);

        Assert.True(Content.Contains(Digest.Sha256Of(shared)));
        Assert.Equal(
            new[] { gone.Manifest.Digest, gone.Config.Digest, gone.Layers[1].Digest }.Select(d => d.ToString()).Order(),
            report.RemovedBlobs.Select(b => b.Digest.ToString()).Order());
    }

    [Fact]
    public async Task PruneAsync_IndexTagged_KeepsEveryChildManifestAndItsBlobs()
    {
        TestImages.Written amd64 = await TestImages.WriteAsync(Content, "amd64", TestImages.Layer(1));
        TestImages.Written arm64 = await TestImages.WriteAsync(Content, "arm64", TestImages.Layer(2));
        var index = new ImageIndex(MediaTypes.OciIndex, [
            amd64.Manifest with { Platform = new Platform("linux", "amd64") },
            arm64.Manifest with { Platform = new Platform("linux", "arm64") }]);
        Descriptor indexDescriptor = await Content.WriteAsync(MediaTypes.OciIndex, ManifestSerializer.Serialize(index));
        await _images.SetAsync(ImageReference.Parse("multi:1"), indexDescriptor);

        PruneReport report = await _collector.PruneAsync(Everything);

        Assert.Empty(report.RemovedBlobs);
        Assert.Equal(7, Content.Enumerate().Count());
    }

    [Fact]
    public async Task PruneAsync_RootedManifest_KeepsItsBlobsUntilRootRemoved()
    {
        TestImages.Written image = await TestImages.WriteAsync(Content, "cached", TestImages.Layer(1));
        BlobInfo rootedLeaf = await Content.WriteAsync(new byte[64]);
        await _images.AddRootAsync("cache-index", image.Manifest.Digest);
        await _images.AddRootAsync("cache-record", rootedLeaf.Digest);

        Assert.Empty((await _collector.PruneAsync(Everything)).RemovedBlobs);

        await _images.RemoveRootAsync("cache-index");
        PruneReport report = await _collector.PruneAsync(Everything);
        Assert.Equal(3, report.RemovedBlobs.Length);
        Assert.True(Content.Contains(rootedLeaf.Digest));
    }

    [Fact]
    public async Task PruneAsync_RecentUnreferencedBlob_IsKeptWithinKeepRecent()
    {
        BlobInfo fresh = await Content.WriteAsync(new byte[10]);
        BlobInfo old = await Content.WriteAsync(new byte[20]);
        File.SetLastWriteTimeUtc(Content.GetBlobPath(old.Digest), DateTime.UtcNow.AddHours(-1));

        PruneReport report = await _collector.PruneAsync(new PruneOptions { KeepRecent = TimeSpan.FromMinutes(10) });

        Assert.Equal(old.Digest, Assert.Single(report.RemovedBlobs).Digest);
        Assert.Equal(fresh.Digest, Assert.Single(report.KeptRecentBlobs).Digest);
        Assert.True(Content.Contains(fresh.Digest));
    }

    [Fact]
    public async Task PruneAsync_RewriteOfOldBlob_RefreshesItsGracePeriod()
    {
        byte[] content = new byte[30];
        BlobInfo blob = await Content.WriteAsync(content);
        File.SetLastWriteTimeUtc(Content.GetBlobPath(blob.Digest), DateTime.UtcNow.AddHours(-1));
        await Content.WriteAsync(content);   // a second build stores the same layer and has not tagged yet

        PruneReport report = await _collector.PruneAsync(new PruneOptions());

        Assert.Empty(report.RemovedBlobs);
        Assert.True(Content.Contains(blob.Digest));
    }

    [Fact]
    public async Task PruneAsync_IngestFiles_RemovesOnlyStaleOnes()
    {
        Directory.CreateDirectory(Content.IngestDirectory);
        string stale = Path.Combine(Content.IngestDirectory, "stale" + ContentStore.PartialSuffix);
        string active = Path.Combine(Content.IngestDirectory, "active" + ContentStore.PartialSuffix);
        await File.WriteAllBytesAsync(stale, new byte[300]);
        await File.WriteAllBytesAsync(active, new byte[5]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));

        PruneReport report = await _collector.PruneAsync(Everything);

        Assert.Equal((1, 300L), (report.RemovedIngestFiles, report.IngestBytesFreed));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(active));
    }

    [Fact]
    public async Task PruneAsync_DryRun_ReportsButRemovesNothing()
    {
        BlobInfo stray = await Content.WriteAsync(new byte[40]);

        PruneReport report = await _collector.PruneAsync(Everything with { DryRun = true });

        Assert.Equal(40, report.BytesFreed);
        Assert.True(Content.Contains(stray.Digest));
    }

    [Fact]
    public async Task PruneAsync_TaggedManifestDamaged_ThrowsAndRemovesNothing()
    {
        TestImages.Written image = await TestImages.WriteAsync(Content, "a", TestImages.Layer(1));
        Descriptor damaged = await Content.WriteAsync(MediaTypes.OciManifest, "{\"schemaVersion\":2,\"layers\":[]}"u8.ToArray());
        await _images.SetAsync(ImageReference.Parse("broken:1"), damaged);

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => _collector.PruneAsync(Everything));

        Assert.Contains(damaged.Digest.ToString(), e.Message);
        Assert.True(Content.Contains(image.Layers[0].Digest));
    }

    [Fact]
    public async Task WriteAsync_DuringCollection_RenameWaitsForTheSweepToEnd()
    {
        using FileLock held = await Content.LockCollectionAsync(exclusive: true, CancellationToken.None);
        Task<BlobInfo> write = Content.WriteAsync(new byte[8]);

        // The content is streamed, but the rename waits for the collection lock.
        Assert.False(write.IsCompleted);
        Assert.False(Content.Contains(Digest.Sha256Of(new byte[8])));
        held.Dispose();
        await write;
        Assert.True(Content.Contains(Digest.Sha256Of(new byte[8])));
    }
}
