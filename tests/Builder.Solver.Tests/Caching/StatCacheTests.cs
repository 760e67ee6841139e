using Builder.Cache.Layers;
using Builder.Solver.Caching;

namespace Builder.Solver.Tests.Caching;

public sealed class StatCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-statcache-").FullName;

    private string OldFile(string name, string content)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5)); // outside the racy window
        return path;
    }

    [Fact]
    public void GetOrAdd_UnchangedFile_IsNotHashedAgain_AcrossASaveAndLoad()
    {
        string path = OldFile("a.txt", "content");
        string saved = Path.Combine(_root, "statcache");
        var first = StatCache.Load(saved);
        int hashed = 0;
        UInt128 Hash(string p) { hashed++; return 42; }

        first.GetOrAdd(HostFiles.Identity(path)!.Value, path, Hash);
        first.Save();
        UInt128 again = StatCache.Load(saved).GetOrAdd(HostFiles.Identity(path)!.Value, path, Hash);

        Assert.Equal(1, hashed);
        Assert.Equal((UInt128)42, again);
    }

    [Fact]
    public void Save_MergesNewEntriesWithSavedOnes_InOrder_AndANewerEntryReplacesItsOldOne()
    {
        string saved = Path.Combine(_root, "statcache");
        string[] files = [.. Enumerable.Range(0, 6).Select(i => OldFile($"f{i}.txt", $"content {i}"))];
        var first = StatCache.Load(saved);
        foreach (int i in new[] { 4, 0, 2 }) first.GetOrAdd(HostFiles.Identity(files[i])!.Value, files[i], _ => (UInt128)(100 + i));
        first.Save();
        File.WriteAllText(files[2], "changed 2");
        File.SetLastWriteTimeUtc(files[2], DateTime.UtcNow.AddMinutes(-4));
        var second = StatCache.Load(saved);
        foreach (int i in new[] { 5, 1, 2 }) second.GetOrAdd(HostFiles.Identity(files[i])!.Value, files[i], _ => (UInt128)(200 + i));
        second.Save();
        int hashed = 0;

        var third = StatCache.Load(saved);
        UInt128[] values = [.. files.Select(f => third.GetOrAdd(HostFiles.Identity(f)!.Value, f, _ => { hashed++; return 0; }))];

        Assert.Equal(new UInt128[] { 100, 201, 202, 0, 104, 205 }, values);
        Assert.Equal(1, hashed); // only f3 was never hashed
    }

    [Fact]
    public void GetOrAdd_ModifiedFile_IsHashedAgain()
    {
        string path = OldFile("a.txt", "content");
        var cache = StatCache.InMemory();
        cache.GetOrAdd(HostFiles.Identity(path)!.Value, path, _ => 1);

        File.WriteAllText(path, "CONTENT"); // same size, new time
        UInt128 after = cache.GetOrAdd(HostFiles.Identity(path)!.Value, path, _ => 2);

        Assert.Equal((UInt128)2, after);
    }

    [Fact]
    public void GetOrAdd_FileMadeAgainWithTheSameSizeAndMtime_IsHashedAgain()
    {
        // A context made again with its mtimes kept (cp -p, a checkout, a fixture) may get the freed inode back; the
        // identity's ctime tells the new file from the old.
        string path = OldFile("a.txt", "content");
        FileIdentity before = HostFiles.Identity(path)!.Value;
        var cache = StatCache.InMemory();
        cache.GetOrAdd(before, path, _ => 1);
        Thread.Sleep(20);

        File.WriteAllText(path, "CONTENT");
        File.SetLastWriteTimeUtc(path, DateTime.UnixEpoch.AddTicks(before.ModifiedNanoseconds / 100));
        FileIdentity after = HostFiles.Identity(path)!.Value;
        UInt128 value = cache.GetOrAdd(after, path, _ => 2);

        Assert.Equal((before.Inode, before.Size, before.ModifiedNanoseconds), (after.Inode, after.Size, after.ModifiedNanoseconds));
        Assert.Equal((UInt128)2, value);
    }

    [Fact]
    public void GetOrAdd_FileModifiedJustNow_IsNotRemembered()
    {
        string path = Path.Combine(_root, "fresh.txt");
        File.WriteAllText(path, "fresh");
        var cache = StatCache.InMemory();
        int hashed = 0;

        cache.GetOrAdd(HostFiles.Identity(path)!.Value, path, _ => (UInt128)(++hashed));
        cache.GetOrAdd(HostFiles.Identity(path)!.Value, path, _ => (UInt128)(++hashed));

        Assert.Equal(2, hashed);
    }

    [Fact]
    public void Load_DamagedFile_StartsEmpty()
    {
        string saved = Path.Combine(_root, "statcache");
        File.WriteAllBytes(saved, [0x93, 0x01]);
        string path = OldFile("b.txt", "b");

        UInt128 value = StatCache.Load(saved).GetOrAdd(HostFiles.Identity(path)!.Value, path, _ => 7);

        Assert.Equal((UInt128)7, value);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
