using System.IO.Compression;
using Builder.Cache.Layers;
using Builder.Oci;

namespace Builder.Cache.Tests.Layers;

public sealed class LayerApplierTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _root;

    public LayerApplierTests()
    {
        // The root sits two levels down, so that an escape has somewhere to land and can be checked for.
        _root = _temp.Sub("a/b/root");
    }

    public void Dispose() => _temp.Dispose();

    private static TarEntry File(string name, long size = 1) => new(name, TarEntryType.RegularFile) { Mode = 0x1A4, Size = size };

    private static TarEntry Symlink(string name, string target) => new(name, TarEntryType.SymbolicLink) { Mode = 0x1FF, LinkName = target };

    private static TarEntry HardLink(string name, string target) => new(name, TarEntryType.HardLink) { LinkName = target };

    private static readonly Dictionary<string, TarEntry[]> Escapes = new()
    {
        ["../x"] = [File("../x")],
        ["/abs/../../x"] = [File("/abs/../../x")],
        ["dir/../../x"] = [File("dir/../../x")],
        ["escape/x"] = [Symlink("escape", "../../.."), File("escape/x")],
        ["chain/x"] = [Symlink("up", ".."), Symlink("chain", "up/up/up"), File("chain/x")],
        ["h"] = [HardLink("h", "../outside")],
        ["through/h"] = [Symlink("out", "../../.."), HardLink("through/h", "out/etc/passwd")],
        ["h2"] = [Symlink("out", "../../.."), HardLink("h2", "out/outside")],
    };

    public static TheoryData<string> EscapingEntries => new(Escapes.Keys);

    /// <summary>One row per layer, named by the entry that must be refused.</summary>
    [Theory, MemberData(nameof(EscapingEntries))]
    public async Task ApplyAsync_EntryLeavingRoot_RefusedNamingTheEntry(string offending)
    {
        TarEntry[] entries = Escapes[offending];
        System.IO.File.WriteAllText(Path.Join(_temp.Path, "outside"), "secret");

        var e = await Assert.ThrowsAsync<LayerFormatException>(() => LayerTestIO.ApplyAsync(TarListing.Build(entries), _root));

        Assert.Equal(offending, e.EntryName);
        Assert.Contains($"'{offending}'", e.Message);
        Assert.False(System.IO.File.Exists(Path.Join(_temp.Path, "a/x")));
        Assert.False(System.IO.File.Exists(Path.Join(_temp.Path, "x")));
    }

    [Fact]
    public async Task UnpackForOverlayAsync_WhiteoutsBecomeOverlayWhiteouts()
    {
        byte[] tar = TarListing.Build(
            new TarEntry("etc/", TarEntryType.Directory) { Mode = 0x1ED },
            File("etc/.wh.gone"),
            new TarEntry("var/", TarEntryType.Directory) { Mode = 0x1ED },
            File("var/.wh..wh..opq"),
            File("var/kept"));

        await LayerApplier.UnpackForOverlayAsync(new MemoryStream(tar), _root, Digest.Sha256Of(tar));

        FileStatus gone = LinuxFileSystem.LStat(Path.Join(_root, "etc/gone"));
        Assert.True(gone.IsOverlayWhiteout, "a .wh. entry must become a 0/0 character device");
        Assert.Equal("y"u8.ToArray(), LinuxFileSystem.ListXattrs(Path.Join(_root, "var"))["trusted.overlay.opaque"]);
        Assert.True(System.IO.File.Exists(Path.Join(_root, "var/kept")));
        Assert.False(System.IO.File.Exists(Path.Join(_root, "etc/.wh.gone")));
    }

    [Fact]
    public async Task ApplyAsync_AbsoluteName_LandsUnderTheRoot()
    {
        await LayerTestIO.ApplyAsync(TarListing.Build(File("/etc/motd", 3)), _root);

        Assert.Equal("xxx", System.IO.File.ReadAllText(Path.Join(_root, "etc/motd")));
    }

    [Fact]
    public async Task ApplyAsync_ThroughAbsoluteSymlink_WritesInsideTheRootAsInAChroot()
    {
        await LayerTestIO.ApplyAsync(TarListing.Build(
            new TarEntry("run/", TarEntryType.Directory) { Mode = 0x1ED },
            Symlink("var-run", "/run"),
            File("var-run/pid", 2)), _root);

        Assert.Equal("xx", System.IO.File.ReadAllText(Path.Join(_root, "run/pid")));
    }

    [Fact]
    public async Task ApplyAsync_WrongExpectedDiffId_RefusedQuotingBothDigests()
    {
        byte[] tar = TarListing.Build(File("f"));
        Digest wrong = Digest.Sha256Of([1, 2, 3]);

        var e = await Assert.ThrowsAsync<LayerFormatException>(() => LayerTestIO.ApplyAsync(tar, _root, wrong));

        Assert.Contains(wrong.ToString(), e.Message);
        Assert.Contains(Digest.Sha256Of(tar).ToString(), e.Message);
    }

    [Fact]
    public async Task ApplyAsync_RightExpectedDiffIdOfGzipBlob_Accepted()
    {
        byte[] tar = TarListing.Build(File("f"));
        var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(tar);

        LayerApplyResult result = await LayerTestIO.ApplyAsync(gz.ToArray(), _root, Digest.Sha256Of(tar));

        Assert.Equal((Digest.Sha256Of(tar), (long)tar.Length), (result.DiffId, result.UncompressedSize));
    }

    [Fact]
    public async Task ApplyAsync_Whiteout_DeletesLowerPathButNotThisLayersOwn()
    {
        SampleTree.File(_root, "lower/gone", "g");
        SampleTree.File(_root, "lower/kept", "k");

        await LayerTestIO.ApplyAsync(TarListing.Build(
            File("lower/.wh.gone", 0), File("lower/new"), File("lower/.wh.new", 0)), _root);

        Assert.Equal(["kept", "new"], Directory.GetFileSystemEntries(Path.Join(_root, "lower")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task ApplyAsync_OpaqueMarker_EmptiesLowerContentsKeepingThisLayersEntries()
    {
        SampleTree.File(_root, "d/lower-file", "l");
        SampleTree.File(_root, "d/sub/lower-deep", "l");
        SampleTree.File(_root, "sibling", "s");

        await LayerTestIO.ApplyAsync(TarListing.Build(
            new TarEntry("d/", TarEntryType.Directory) { Mode = 0x1ED },
            File("d/sub/mine"),
            File("d/.wh..wh..opq", 0)), _root);

        Assert.Equal(["d/sub/mine", "sibling"], Directory.GetFiles(_root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(_root, p)).Order());
    }

    [Fact]
    public async Task ApplyAsync_FileOverExistingDirectory_ReplacesIt()
    {
        SampleTree.File(_root, "path/child", "c");

        await LayerTestIO.ApplyAsync(TarListing.Build(File("path", 1)), _root);

        Assert.Equal("x", System.IO.File.ReadAllText(Path.Join(_root, "path")));
    }

    [Fact]
    public async Task ApplyAsync_FileOverExistingSymlink_ReplacesLinkNotItsTarget()
    {
        System.IO.File.WriteAllText(Path.Join(_temp.Path, "outside"), "secret");
        System.IO.File.CreateSymbolicLink(Path.Join(_root, "link"), Path.Join(_temp.Path, "outside"));

        await LayerTestIO.ApplyAsync(TarListing.Build(File("link", 1)), _root);

        Assert.Equal("secret", System.IO.File.ReadAllText(Path.Join(_temp.Path, "outside")));
        Assert.Null(new FileInfo(Path.Join(_root, "link")).LinkTarget);
    }

    [Fact]
    public async Task ApplyAsync_CorruptHeader_RefusedAsLayerFormat()
    {
        byte[] tar = TarListing.Build(File("f"));
        tar[10] ^= 0x55;

        var e = await Assert.ThrowsAsync<LayerFormatException>(() => LayerTestIO.ApplyAsync(tar, _root));

        Assert.Contains("checksum", e.Message);
    }
}
