using Builder.Cache.Layers;

namespace Builder.Cache.Tests.Layers;

/// <summary>Layers from two trees compared, as a copying snapshotter makes them.</summary>
public sealed class DiffLayerTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _lower, _upper;

    public DiffLayerTests()
    {
        _lower = _temp.Sub("lower");
        _upper = _temp.Sub("upper");
        SampleTree.CreateEveryEntryType(_lower);
        SampleTree.File(_lower, "etc/unchanged.conf", "same");
        SampleTree.File(_lower, "etc/same-size.conf", "aaaa");
        SampleTree.File(_lower, "var/cache/deleted-dir/file", "x");
        SampleTree.File(_lower, "opt/dir-to-file/child", "c");
        SampleTree.File(_lower, "opt/file-to-dir", "f");
        SampleTree.File(_lower, "opt/deep/unchanged/parent/new-sibling-here", "keep");
        SampleTree.SetTimes(_lower, SampleTree.OldTime);
        ProcessRunner.Run("cp", "-a", _lower + "/.", _upper);

        File.Delete(Path.Join(_upper, "etc/hostname"));
        Directory.Delete(Path.Join(_upper, "var/cache/deleted-dir"), recursive: true);
        File.WriteAllText(Path.Join(_upper, "etc/same-size.conf"), "bbbb"); // same size; mtime reset below
        Directory.Delete(Path.Join(_upper, "opt/dir-to-file"), recursive: true);
        SampleTree.File(_upper, "opt/dir-to-file", "file now");
        File.Delete(Path.Join(_upper, "opt/file-to-dir"));
        SampleTree.File(_upper, "opt/file-to-dir/child", "dir now");
        SampleTree.File(_upper, "opt/deep/unchanged/parent/added", "added");
        LinuxFileSystem.Chmod(Path.Join(_upper, "empty"), 0x1FF);
        foreach (string path in new[] { "etc/same-size.conf", "etc", "opt/dir-to-file", "opt/file-to-dir/child", "opt/file-to-dir",
                     "opt/deep/unchanged/parent/added", "opt/deep/unchanged/parent", "opt", "var/cache", "" })
            LinuxFileSystem.SetTimes(Path.Join(_upper, path), SampleTree.OldTime, 0);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task FromDiff_ChangedTrees_ListsOnlyChangesAndTheirParents()
    {
        List<TarEntry> entries = await TarListing.ReadAsync(await LayerTestIO.WriteTarAsync(LayerSource.FromDiff(_lower, _upper)));

        Assert.Equal(
        [
            "empty", "etc/", "etc/.wh.hostname", "etc/same-size.conf",
            "opt/", "opt/deep/", "opt/deep/unchanged/", "opt/deep/unchanged/parent/", "opt/deep/unchanged/parent/added",
            "opt/dir-to-file", "opt/file-to-dir/", "opt/file-to-dir/child",
            "var/", "var/cache/", "var/cache/.wh.deleted-dir",
        ], entries.Select(e => e.Name));
    }

    [Fact]
    public async Task ApplyAsync_DiffLayerOntoCopyOfLower_GivesTheUpperTree()
    {
        string applied = _temp.Sub("applied");
        ProcessRunner.Run("cp", "-a", _lower + "/.", applied);
        (_, byte[] blob) = await LayerTestIO.WriteAsync(LayerSource.FromDiff(_lower, _upper));

        await LayerTestIO.ApplyAsync(blob, applied);

        Assert.Equal(TreeSnapshot.Of(_upper, withDirectoryTimes: false), TreeSnapshot.Of(applied, withDirectoryTimes: false));
    }

    [Fact]
    public async Task FromDiff_IdenticalCopies_WritesAnEmptyLayer()
    {
        string copy = _temp.Sub("copy");
        ProcessRunner.Run("cp", "-a", _lower + "/.", copy);

        List<TarEntry> entries = await TarListing.ReadAsync(await LayerTestIO.WriteTarAsync(LayerSource.FromDiff(_lower, copy)));

        Assert.Empty(entries);
    }
}
