using Builder.Cache.BuildCache;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cache.Tests.Images;

public sealed class StorePrunerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-store-pruner-").FullName;
    private readonly ImageStore _images;
    private readonly CacheIndex _cache;

    public StorePrunerTests()
    {
        _images = new ImageStore(new ContentStore(Path.Combine(_root, "store")));
        _cache = new CacheIndex(_images);
    }

    private static Digest Key(string name) => Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(name));

    // A record whose layer is a blob of the given size, last used the given time ago, with an unpacked directory.
    private async Task<CacheRecord> RecordAsync(string name, int size, TimeSpan age)
    {
        byte[] bytes = new byte[size];
        new Random(name.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
        Descriptor layer = await _images.Content.WriteAsync(MediaTypes.OciLayerGzip, bytes);
        var record = new CacheRecord(layer, Key("diff-" + name));
        await _cache.AddAsync(Key(name), record, CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(_images.Content.Root, "cache", Key(name).Encoded), DateTime.UtcNow - age);
        Directory.CreateDirectory(Path.Combine(_images.Content.Layout.Layers, record.DiffId.Encoded));
        return record;
    }

    private StorePruner Pruner() => new(_images, _cache);

    [Fact]
    public async Task Until_RemovesRecordsNotUsedForThatLong_TheirBlobsAndTrees()
    {
        CacheRecord old = await RecordAsync("old", 1000, TimeSpan.FromDays(3));
        CacheRecord fresh = await RecordAsync("fresh", 1000, TimeSpan.FromHours(1));

        StorePruneReport report = await Pruner().PruneAsync(new StorePruneOptions { Until = TimeSpan.FromHours(24), KeepRecent = TimeSpan.Zero });

        Assert.Equal(1, report.RemovedRecords);
        Assert.Null(_cache.Find(Key("old")));
        Assert.NotNull(_cache.Find(Key("fresh")));
        Assert.False(_images.Content.Contains(old.Layer.Digest));
        Assert.True(_images.Content.Contains(fresh.Layer.Digest));
        Assert.False(Directory.Exists(Path.Combine(_images.Content.Layout.Layers, old.DiffId.Encoded)));
        Assert.True(Directory.Exists(Path.Combine(_images.Content.Layout.Layers, fresh.DiffId.Encoded)));
    }

    [Fact]
    public async Task KeepStorage_RemovesLeastRecentlyUsedFirst_UntilTheBlobsFit()
    {
        await RecordAsync("oldest", 4000, TimeSpan.FromHours(3));
        await RecordAsync("middle", 4000, TimeSpan.FromHours(2));
        await RecordAsync("newest", 4000, TimeSpan.FromHours(1));

        StorePruneReport report = await Pruner().PruneAsync(new StorePruneOptions { KeepStorage = 9000, KeepRecent = TimeSpan.Zero });

        Assert.Equal(1, report.RemovedRecords);
        Assert.Null(_cache.Find(Key("oldest")));
        Assert.NotNull(_cache.Find(Key("middle")));
        Assert.True(_images.Content.Enumerate().Sum(b => b.Size) <= 9000);
    }

    [Fact]
    public async Task KeepStorage_ABlobAnImageUses_IsKeptEvenWhenItsRecordGoes()
    {
        CacheRecord record = await RecordAsync("in-image", 4000, TimeSpan.FromHours(5));
        ImageConfig config = ImageConfig.Empty(Platform.Parse("linux/amd64"));
        Descriptor manifest = await ImageAssembler.AssembleAsync(_images.Content, config, [new ImageLayer(record.Layer, record.DiffId)], ociMediaTypes: true, CancellationToken.None);
        await _images.SetAsync(ImageReference.Parse("kept:1"), manifest);

        await Pruner().PruneAsync(new StorePruneOptions { KeepStorage = 0, KeepRecent = TimeSpan.Zero });

        Assert.Null(_cache.Find(Key("in-image")));
        Assert.True(_images.Content.Contains(record.Layer.Digest));
    }

    [Fact]
    public async Task DryRun_RemovesNothing()
    {
        await RecordAsync("old", 1000, TimeSpan.FromDays(3));

        StorePruneReport report = await Pruner().PruneAsync(new StorePruneOptions { Until = TimeSpan.FromHours(1), KeepRecent = TimeSpan.Zero, DryRun = true });

        Assert.Equal(1, report.RemovedRecords);
        Assert.NotNull(_cache.Find(Key("old")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
