using Builder.Cache.BuildCache;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cli.Tests.Store;

/// <summary>
/// <c>imgbuild prune -a</c>, as <c>docker buildx prune -a</c>: all build cache goes (records, cache mounts, unpacked
/// base trees, unused blobs however recent); named images stay.
/// </summary>
public sealed class PruneAllTests : IDisposable
{
    private readonly SeededStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task PruneAll_RemovesRecordsCacheMountsBaseTreesAndRecentBlobs_KeepsNamedImages()
    {
        Descriptor kept = await _store.AddImageAsync("keep:1", 300);
        BlobInfo blob = await _store.Content.WriteAsync(new byte[1234]);   // written now: plain prune keeps it ten minutes
        var layer = new Descriptor(MediaTypes.OciLayerTar, blob.Digest, blob.Size);
        await new CacheIndex(_store.Images).AddAsync(Digest.Sha256Of("step"u8), new CacheRecord(layer, layer.Digest), CancellationToken.None);
        string mount = Directory.CreateDirectory(Path.Combine(_store.Content.Layout.CacheMounts, "apt")).FullName;
        File.WriteAllText(Path.Combine(mount, "pkg"), "cached");
        string baseTree = Directory.CreateDirectory(Path.Combine(_store.Content.Layout.Rootfs, kept.Digest.Encoded, "bin")).FullName;

        var plain = _store.Run("prune");
        Assert.True(plain.Status == 0, plain.Err);
        Assert.True(_store.Content.Contains(layer.Digest));
        Assert.True(Directory.Exists(mount) && Directory.Exists(baseTree));

        var (status, output, error) = _store.Run("prune", "-a", "-f");

        Assert.True(status == 0, error);
        Assert.Contains("Deleted: 1 build cache records", output, StringComparison.Ordinal);
        Assert.Contains("Deleted: 1 cache mounts", output, StringComparison.Ordinal);
        Assert.False(_store.Content.Contains(layer.Digest));
        Assert.Empty(new CacheIndex(_store.Images).List());
        Assert.False(Directory.Exists(mount));
        Assert.False(Directory.Exists(Path.GetDirectoryName(baseTree)));
        Assert.Equal(0, _store.Run("inspect", "keep:1").Status);   // named images stay
        Assert.True(_store.Content.Contains(kept.Digest));
    }
}
