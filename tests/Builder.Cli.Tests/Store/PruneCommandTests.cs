using Builder.Cache.Content;

namespace Builder.Cli.Tests.Store;

public sealed class PruneCommandTests : IDisposable
{
    private readonly SeededStore _store = new();

    public void Dispose() => _store.Dispose();

    private long StoredBytes() => _store.Content.Enumerate().Sum(blob => blob.Size);

    [Fact]
    public async Task Prune_AfterRmi_FreesTheImageAndKeepsTheOther()
    {
        await _store.AddImageAsync("keep:1", 3000);
        await _store.AddImageAsync("drop:1", 5000);
        long before = StoredBytes();
        Assert.Equal(0, _store.Run("rmi", "drop:1").Status);
        _store.AgeBlobs();

        var (status, output, error) = _store.Run("prune");

        Assert.True(status == 0, error);
        long freed = before - StoredBytes();
        Assert.True(freed > 5000, $"freed {freed} bytes");
        Assert.Equal(3, output.Split('\n').Count(line => line.StartsWith("Deleted: sha256:", StringComparison.Ordinal)));
        Assert.EndsWith("Total reclaimed space: " + Builder.Engine.ByteSize.Format(freed) + "\n", output);
        Assert.Equal(0, _store.Run("inspect", "keep:1").Status);
    }

    [Fact]
    public async Task Prune_RecentUnusedBlobs_AreKeptUnlessKeepRecentIsZero()
    {
        await _store.AddImageAsync("drop:1", 100);
        _store.Run("rmi", "drop:1");

        var (_, kept, _) = _store.Run("prune");
        Assert.Contains("Kept: 3 unused blobs", kept);
        Assert.Equal(3, _store.Content.Enumerate().Count());

        var (status, _, _) = _store.Run("prune", "--keep-recent", "0s");
        Assert.Equal(0, status);
        Assert.Empty(_store.Content.Enumerate());
    }

    [Fact]
    public async Task Prune_DryRun_RemovesNothing()
    {
        BlobInfo stray = await _store.Content.WriteAsync(new byte[10]);
        var (status, output, _) = _store.Run("prune", "--dry-run", "--keep-recent", "0");
        Assert.Equal(0, status);
        Assert.Contains($"Would delete: {stray.Digest} (10B)", output);
        Assert.True(_store.Content.Contains(stray.Digest));
    }

    [Fact]
    public void Prune_BadKeepRecent_IsRejected()
    {
        var (status, _, error) = _store.Run("prune", "--keep-recent", "ten minutes");
        Assert.NotEqual(0, status);
        Assert.Contains("'ten minutes' is not a duration", error);
    }

    [Fact]
    public void Prune_NegativeKeepRecent_IsRejected()
    {
        // Go's ParseDuration reads "-10m"; a negative age makes no sense for prune.
        var (status, _, error) = _store.Run("prune", "--keep-recent=-10m");
        Assert.NotEqual(0, status);
        Assert.Contains("'-10m' is not a duration", error);
    }
}
