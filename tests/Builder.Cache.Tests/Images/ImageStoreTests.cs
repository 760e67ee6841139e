using System.Collections.Immutable;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cache.Tests.Images;

public sealed class ImageStoreTests : IDisposable
{
    private readonly TemporaryStore _store = new();
    private readonly ImageStore _images;

    public ImageStoreTests() => _images = new ImageStore(_store.Content);

    public void Dispose() => _store.Dispose();

    private static ImageReference Ref(string name) => ImageReference.Parse(name);

    [Fact]
    public async Task SetAsync_ShortName_IsStoredNormalised()
    {
        TestImages.Written image = await TestImages.WriteAsync(_store.Content, "a", TestImages.Layer(1));

        await _images.SetAsync(Ref("app:1"), image.Manifest);

        ImageRecord listed = Assert.Single(await _images.ListAsync());
        Assert.Equal("docker.io/library/app:1", listed.Reference.ToString());
        Assert.Equal(image.Manifest.Digest, listed.Target.Digest);
        Assert.Contains("\"docker.io/library/app:1\"", await File.ReadAllTextAsync(_images.ImagesFilePath));
    }

    [Fact]
    public async Task SetAsync_ExistingTag_PointsItAtNewTarget()
    {
        TestImages.Written first = await TestImages.WriteAsync(_store.Content, "first");
        TestImages.Written second = await TestImages.WriteAsync(_store.Content, "second");

        await _images.SetAsync(Ref("app"), first.Manifest);
        await _images.SetAsync(Ref("app:latest"), second.Manifest);

        Assert.Equal(second.Manifest.Digest, Assert.Single(await _images.ListAsync()).Target.Digest);
    }

    [Fact]
    public async Task SetAsync_NameAlreadyOnThatTarget_LeavesTheListUnwritten()
    {
        TestImages.Written image = await TestImages.WriteAsync(_store.Content, "same");
        await _images.SetAsync(Ref("app:1"), image.Manifest);
        var written = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(_images.ImagesFilePath, written);

        await _images.SetAsync(Ref("app:1"), image.Manifest with { Annotations = image.Manifest.Annotations.Add("org.example", "x") });

        Assert.Equal(written, File.GetLastWriteTimeUtc(_images.ImagesFilePath));
        Assert.Equal(image.Manifest.Digest, Assert.Single(await _images.ListAsync()).Target.Digest);
    }

    [Fact]
    public async Task SetAsync_TargetNotInContentStore_ThrowsBlobNotFound()
    {
        var missing = new Descriptor(MediaTypes.OciManifest, Digest.Sha256Of([1]), 1);
        await Assert.ThrowsAsync<BlobNotFoundException>(() => _images.SetAsync(Ref("app:1"), missing));
        Assert.Empty(await _images.ListAsync());
    }

    [Fact]
    public async Task SetAsync_DigestOnlyReference_ThrowsAskingForTag()
    {
        TestImages.Written image = await TestImages.WriteAsync(_store.Content, "a");
        var e = await Assert.ThrowsAsync<ArgumentException>(() => _images.SetAsync(Ref($"app@{image.Manifest.Digest}"), image.Manifest));
        Assert.Contains("has no tag", e.Message);
    }

    [Fact]
    public async Task SetAsync_TargetIsALayer_Throws()
    {
        TestImages.Written image = await TestImages.WriteAsync(_store.Content, "a", TestImages.Layer(1));
        await Assert.ThrowsAsync<ArgumentException>(() => _images.SetAsync(Ref("app:1"), image.Layers[0]));
    }

    [Fact]
    public async Task TagAsync_ThenRemoveAsync_LeavesOnlyTheNewName()
    {
        TestImages.Written image = await TestImages.WriteAsync(_store.Content, "a", TestImages.Layer(1));
        await _images.SetAsync(Ref("app:1"), image.Manifest);

        await _images.TagAsync(Ref("app:1"), Ref("registry.example/team/app:2"));
        Assert.Equal(2, (await _images.ListAsync()).Length);
        ImageRecord removed = Assert.Single(await _images.RemoveAsync(Ref("app:1")));

        Assert.Equal("docker.io/library/app:1", removed.Reference.ToString());
        ImageRecord left = Assert.Single(await _images.ListAsync());
        Assert.Equal(("registry.example/team/app:2", image.Manifest.Digest), (left.Reference.ToString(), left.Target.Digest));
        var e = await Assert.ThrowsAsync<ImageNotFoundException>(() => _images.GetAsync(Ref("app:1")));
        Assert.Equal("no such image: app:1", e.Message);
    }

    [Fact]
    public async Task RemoveAsync_UnknownName_ThrowsImageNotFound()
    {
        var e = await Assert.ThrowsAsync<ImageNotFoundException>(() => _images.RemoveAsync(Ref("ghcr.io/o/none:2")));
        Assert.Equal("no such image: ghcr.io/o/none:2", e.Message);
    }

    [Fact]
    public async Task FindAsync_ByDigest_FindsNameOfThatRepository()
    {
        TestImages.Written image = await TestImages.WriteAsync(_store.Content, "a");
        await _images.SetAsync(Ref("app:1"), image.Manifest);

        Assert.NotNull(await _images.FindAsync(Ref($"app@{image.Manifest.Digest}")));
        Assert.NotNull(await _images.FindAsync(Ref($"app:1@{image.Manifest.Digest}")));
        Assert.Null(await _images.FindAsync(Ref($"other@{image.Manifest.Digest}")));
        Assert.Null(await _images.FindAsync(Ref($"app:1@{Digest.Sha256Of([1])}")));
    }

    [Fact]
    public async Task RemoveAsync_ByDigest_RemovesEveryTagOfThatDigestInTheRepository()
    {
        TestImages.Written image = await TestImages.WriteAsync(_store.Content, "a");
        TestImages.Written other = await TestImages.WriteAsync(_store.Content, "b");
        await _images.SetAsync(Ref("app:1"), image.Manifest);
        await _images.SetAsync(Ref("app:2"), image.Manifest);
        await _images.SetAsync(Ref("app:3"), other.Manifest);
        await _images.SetAsync(Ref("mirror:1"), image.Manifest);

        ImmutableArray<ImageRecord> removed = await _images.RemoveAsync(Ref($"app@{image.Manifest.Digest}"));

        Assert.Equal(2, removed.Length);
        Assert.Equal(["docker.io/library/app:3", "docker.io/library/mirror:1"],
            (await _images.ListAsync()).Select(i => i.Reference.ToString()));
    }

    [Fact]
    public async Task SetAsync_ManyWritersAtOnce_KeepsEveryTag()
    {
        TestImages.Written image = await TestImages.WriteAsync(_store.Content, "a");
        // Each writer opens its own lock descriptor, so they exclude each other as separate processes would.
        using var barrier = new Barrier(12);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            await _images.SetAsync(Ref($"app:{i}"), image.Manifest);
        })));

        Assert.Equal(12, (await _images.ListAsync()).Length);
    }

    [Fact]
    public async Task ListAsync_DamagedFile_ThrowsNamingFileAndFix()
    {
        await File.WriteAllTextAsync(_images.ImagesFilePath, "{\"images\":{\"x\":");
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => _images.ListAsync());
        Assert.Contains(_images.ImagesFilePath, e.Message);
        Assert.Contains("delete it", e.Message);
    }

    [Fact]
    public async Task AddRootAsync_ThenRemoveRootAsync_RoundTrips()
    {
        Digest digest = Digest.Sha256Of([7]);
        await _images.AddRootAsync("cache-index", digest);
        Assert.Equal(digest, (await _images.ListRootsAsync())["cache-index"]);

        Assert.True(await _images.RemoveRootAsync("cache-index"));
        Assert.Empty(await _images.ListRootsAsync());
        Assert.False(await _images.RemoveRootAsync("cache-index"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData(".hidden")]
    [InlineData("")]
    public async Task AddRootAsync_InvalidName_Throws(string name) =>
        await Assert.ThrowsAsync<ArgumentException>(() => _images.AddRootAsync(name, Digest.Sha256Of([1])));

    [Fact]
    public async Task GetDiskUsageAsync_TwoImagesShareALayer_SplitsSharedAndUniqueBytes()
    {
        byte[] shared = TestImages.Layer(1, 10_000), onlyA = TestImages.Layer(2, 20_000), onlyB = TestImages.Layer(3, 30_000);
        TestImages.Written a = await TestImages.WriteAsync(_store.Content, "a", shared, onlyA);
        TestImages.Written b = await TestImages.WriteAsync(_store.Content, "b", shared, onlyB);
        await _images.SetAsync(Ref("a:1"), a.Manifest);
        await _images.SetAsync(Ref("a:alias"), a.Manifest);
        await _images.SetAsync(Ref("b:1"), b.Manifest);
        BlobInfo stray = await _store.Content.WriteAsync(new byte[100]);

        DiskUsageReport usage = await _images.GetDiskUsageAsync();

        ImageDiskUsage usageA = usage.Images.Single(i => i.Reference.ToString() == "docker.io/library/a:1");
        Assert.Equal(a.Manifest.Size + a.Config.Size + shared.Length + onlyA.Length, usageA.Size);
        Assert.Equal(shared.Length, usageA.SharedSize);
        Assert.Equal(a.Manifest.Size + a.Config.Size + onlyA.Length, usageA.UniqueSize);
        Assert.Equal(usageA.Size, usage.Images.Single(i => i.Reference.Tag == "alias").Size);
        Assert.Equal(stray.Size, usage.ReclaimableBytes);
        Assert.Equal(usage.TotalBytes - stray.Size, usage.ImagesBytes);
        Assert.Equal(8, usage.BlobCount);
    }
}
