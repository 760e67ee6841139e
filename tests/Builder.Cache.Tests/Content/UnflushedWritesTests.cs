using System.Security.Cryptography;
using Builder.Cache.Content;

namespace Builder.Cache.Tests.Content;

/// <summary>
/// The window in which builds write without waiting for the disk: the marker a build makes first, and the check of
/// what an earlier boot wrote inside its window.
/// </summary>
public sealed class UnflushedWritesTests : IDisposable
{
    private readonly TemporaryStore _store = new();

    private StoreLayout Layout => _store.Content.Layout;

    private string Blob(byte[] content, bool damage = false)
    {
        string digest = Convert.ToHexStringLower(SHA256.HashData(content));
        string path = Path.Combine(Layout.Blobs, "sha256", digest);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, damage ? content[..^1] : content);
        return path;
    }

    private string Marker(string bootId, DateTime modified)
    {
        Directory.CreateDirectory(Layout.Unflushed);
        string marker = Path.Combine(Layout.Unflushed, bootId);
        File.WriteAllText(marker, "");
        File.SetLastWriteTimeUtc(marker, modified);
        return marker;
    }

    [Fact]
    public void Begin_NoMarker_MakesThisBootsMarker()
    {
        new UnflushedWrites(Layout, "boot-a", DateTimeOffset.UtcNow.AddHours(-1)).Begin();

        Assert.True(File.Exists(Path.Combine(Layout.Unflushed, "boot-a")));
    }

    [Fact]
    public void Begin_RecentMarker_KeepsItsTime()
    {
        DateTime opened = DateTime.UtcNow.AddMinutes(-1);
        string marker = Marker("boot-a", opened);

        new UnflushedWrites(Layout, "boot-a", DateTimeOffset.UtcNow.AddHours(-1)).Begin();

        Assert.Equal(opened, File.GetLastWriteTimeUtc(marker));
    }

    [Fact]
    public void Begin_MarkerOlderThanSyncAge_SyncsAndStartsTheWindowNow()
    {
        string marker = Marker("boot-a", DateTime.UtcNow - UnflushedWrites.SyncAge - TimeSpan.FromMinutes(1));

        new UnflushedWrites(Layout, "boot-a", DateTimeOffset.UtcNow.AddHours(-1)).Begin();

        Assert.True(DateTime.UtcNow - File.GetLastWriteTimeUtc(marker) < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void RecoverEarlierBoots_WrittenInAnEarlierBootsWindow_RemovesDamagedBlobsAndDerivedData()
    {
        string marker = Marker("boot-a", DateTime.UtcNow.AddMinutes(-5));
        string good = Blob("intact layer"u8.ToArray());
        string damaged = Blob("truncated layer"u8.ToArray(), damage: true);
        string layer = Directory.CreateDirectory(Path.Combine(Layout.Layers, "abc", "etc")).Parent!.FullName;
        Directory.CreateDirectory(Layout.CacheIndex);
        string record = Path.Combine(Layout.CacheIndex, "key");
        File.WriteAllText(record, "{}");

        // This boot started after those writes: they were made in boot-a's window.
        UnflushedRecovery recovery = new UnflushedWrites(Layout, "boot-b", DateTimeOffset.UtcNow.AddMinutes(1)).RecoverEarlierBoots();

        Assert.True(File.Exists(good));
        Assert.False(File.Exists(damaged));
        Assert.False(Directory.Exists(layer));
        Assert.False(File.Exists(record));
        Assert.False(File.Exists(marker));
        Assert.Equal((1, 2, 1, 2), (recovery.WindowsChecked, recovery.BlobsChecked, recovery.BlobsRemoved, recovery.DerivedRemoved));
    }

    [Fact]
    public void RecoverEarlierBoots_WrittenInThisBoot_LeavesThemAlone()
    {
        Marker("boot-a", DateTime.UtcNow.AddMinutes(-5));
        string damaged = Blob("written by a build of this boot"u8.ToArray(), damage: true);
        string layer = Directory.CreateDirectory(Path.Combine(Layout.Layers, "abc")).FullName;

        // This boot started before the writes: a build of this boot made them, and they are not suspect.
        UnflushedRecovery recovery = new UnflushedWrites(Layout, "boot-b", DateTimeOffset.UtcNow.AddMinutes(-1)).RecoverEarlierBoots();

        Assert.True(File.Exists(damaged));
        Assert.True(Directory.Exists(layer));
        Assert.Equal((1, 0), (recovery.WindowsChecked, recovery.BlobsChecked));
    }

    [Fact]
    public void RecoverEarlierBoots_WrittenBeforeTheWindow_LeavesThemAlone()
    {
        string damaged = Blob("flushed before the window opened"u8.ToArray(), damage: true);
        Marker("boot-a", DateTime.UtcNow.AddMinutes(1));

        UnflushedRecovery recovery = new UnflushedWrites(Layout, "boot-b", DateTimeOffset.UtcNow.AddMinutes(2)).RecoverEarlierBoots();

        Assert.True(File.Exists(damaged));
        Assert.Equal(0, recovery.BlobsChecked);
    }

    [Fact]
    public void RecoverEarlierBoots_OnlyThisBootsMarker_ChecksNothing()
    {
        string marker = Marker("boot-a", DateTime.UtcNow.AddMinutes(-5));
        Blob("x"u8.ToArray(), damage: true);

        UnflushedRecovery recovery = new UnflushedWrites(Layout, "boot-a", DateTimeOffset.UtcNow.AddMinutes(1)).RecoverEarlierBoots();

        Assert.True(File.Exists(marker));
        Assert.Equal(0, recovery.WindowsChecked);
    }

    public void Dispose() => _store.Dispose();
}
