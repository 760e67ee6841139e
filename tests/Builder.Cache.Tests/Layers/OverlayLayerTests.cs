using Builder.Cache.Layers;

namespace Builder.Cache.Tests.Layers;

/// <summary>Layers from a real overlayfs upper directory (needs root: the tests mount overlay in a temp dir).</summary>
public sealed class OverlayLayerTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _lower, _upper, _merged;

    public OverlayLayerTests()
    {
        _lower = _temp.Sub("lower");
        _upper = _temp.Sub("upper");
        _merged = _temp.Sub("merged");
        string work = _temp.Sub("work");
        SampleTree.File(_lower, "keep.txt", "keep");
        SampleTree.File(_lower, "remove.txt", "remove");
        SampleTree.File(_lower, "opaque/old-a", "a");
        SampleTree.File(_lower, "opaque/old-b/deep", "b");
        SampleTree.File(_lower, "dir-to-file/child", "c");
        SampleTree.File(_lower, "file-to-dir", "f");
        SampleTree.File(_lower, "nested/sub/gone", "g");
        SampleTree.File(_lower, "nested/sub/stay", "s");
        SampleTree.SetTimes(_lower, SampleTree.OldTime);
        _temp.Mount(_merged, "-t", "overlay", "overlay", "-o", $"lowerdir={_lower},upperdir={_upper},workdir={work}", _merged);

        File.Delete(Path.Join(_merged, "remove.txt"));
        Directory.Delete(Path.Join(_merged, "opaque"), recursive: true);
        SampleTree.File(_merged, "opaque/new", "new");
        Directory.Delete(Path.Join(_merged, "dir-to-file"), recursive: true);
        SampleTree.File(_merged, "dir-to-file", "now a file");
        File.Delete(Path.Join(_merged, "file-to-dir"));
        SampleTree.File(_merged, "file-to-dir/child", "now a dir");
        File.Delete(Path.Join(_merged, "nested/sub/gone"));
        SampleTree.File(_merged, "added.txt", "added");
        SampleTree.SetTimes(_merged, SampleTree.OldTime + 100);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task FromOverlayUpper_DeletedFile_BecomesEmptyWhiteoutFile()
    {
        List<TarEntry> entries = await ReadUpperLayerAsync();

        TarEntry whiteout = entries.Single(e => e.Name == ".wh.remove.txt");
        Assert.Equal((TarEntryType.RegularFile, 0L), (whiteout.Type, whiteout.Size));
        Assert.Contains(entries, e => e.Name == "nested/sub/.wh.gone");
    }

    [Fact]
    public async Task FromOverlayUpper_RecreatedDirectory_GetsOpaqueMarkerRightAfterIt()
    {
        List<string> names = (await ReadUpperLayerAsync()).Select(e => e.Name).ToList();

        int directory = names.IndexOf("opaque/");
        Assert.True(directory >= 0, string.Join(", ", names));
        Assert.Equal("opaque/.wh..wh..opq", names[directory + 1]);
    }

    [Fact]
    public async Task FromOverlayUpper_OverlayXattrs_NotCopied()
    {
        List<TarEntry> entries = await ReadUpperLayerAsync();

        Assert.DoesNotContain(entries, e => e.Xattrs.Keys.Any(k => k.StartsWith("trusted.overlay.", StringComparison.Ordinal)));
        Assert.Contains(LinuxFileSystem.ListXattrs(Path.Join(_upper, "opaque")).Keys, k => k.StartsWith("trusted.overlay.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_UpperLayerOntoCopyOfLower_GivesTheMergedTree()
    {
        var merged = TreeSnapshot.Of(_merged, withXattrs: false, withDirectoryTimes: false);
        _temp.Unmount(_merged);
        string applied = _temp.Sub("applied");
        ProcessRunner.Run("cp", "-a", _lower + "/.", applied);
        (_, byte[] blob) = await LayerTestIO.WriteAsync(LayerSource.FromOverlayUpper(_upper));

        await LayerTestIO.ApplyAsync(blob, applied);

        Assert.Equal(merged, TreeSnapshot.Of(applied, withXattrs: false, withDirectoryTimes: false));
    }

    private async Task<List<TarEntry>> ReadUpperLayerAsync()
    {
        _temp.Unmount(_merged);
        return await TarListing.ReadAsync(await LayerTestIO.WriteTarAsync(LayerSource.FromOverlayUpper(_upper)));
    }
}
