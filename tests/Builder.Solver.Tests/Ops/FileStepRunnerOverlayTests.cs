using Builder.Cache.Content;
using Builder.Cache.Layers;
using Builder.Graph;
using Builder.Solver.Ops;
using Builder.Solver.Snapshots;
using Builder.Testing;

namespace Builder.Solver.Tests.Ops;

/// <summary>
/// Copies into a real overlayfs snapshot (as root): what a copy puts under a directory it made is written straight into
/// the upper directory, and the snapshot, the actions after it and the layer still see exactly what was copied.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FileStepRunnerOverlayTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-filestep-overlay-").FullName;
    private readonly string _lower;
    private readonly string _source;
    private readonly string _work;
    private readonly ContentStore _content;
    private readonly SnapshotCommitter _committer;

    public FileStepRunnerOverlayTests()
    {
        _lower = Directory.CreateDirectory(Path.Combine(_root, "lower", "work")).Parent!.FullName;
        File.WriteAllText(Path.Combine(_lower, "work", "kept"), "from the base\n");
        _source = Directory.CreateDirectory(Path.Combine(_root, "source")).FullName;
        _work = Path.Combine(_root, "work");
        _content = new ContentStore(Path.Combine(_root, "store"));
        _committer = new SnapshotCommitter(_content, _work, Path.Combine(_root, "layers"));
    }

    private void Write(string relative, string content)
    {
        string path = Path.Combine(_source, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private async Task<(CommittedLayer Committed, LayerWriteResult Layer)> RunAsync(params FileAction[] actions)
    {
        var step = new FileStep([.. actions]) { Inputs = [new ScratchStep(), new ScratchStep()] };
        var runner = new FileStepRunner(new OverlaySnapshotter(), _committer, _work);
        CommittedLayer committed = await runner.RunAsync(step, [[_lower], [_source]], [null, null], new LayerWriteOptions { Compression = LayerCompression.Uncompressed },
            CancellationToken.None);
        return (committed, await committed.Layer);
    }

    // The image's tree: the committed changes over the base, through a fresh overlay mount.
    private string Mounted(CommittedLayer committed)
    {
        Snapshot view = new OverlaySnapshotter().Create([committed.Directory, _lower], _work);
        _views.Add(view);
        return view.RootFilesystem;
    }

    private readonly List<Snapshot> _views = [];

    [Fact]
    public async Task Copy_IntoDirectoriesItMakes_LandsInTheLayerWithTimesModesAndLinks()
    {
        RequiredTool.RequireRoot();
        for (int i = 0; i < 30; i++) Write($"src/m{i % 3}/f{i:00}.c", $"file {i}\n");
        ProcessRunner.Run("ln", [Path.Combine(_source, "src", "m0", "f00.c"), Path.Combine(_source, "src", "m1", "linked.c")]);
        File.CreateSymbolicLink(Path.Combine(_source, "src", "link"), "m0/f00.c");
        File.SetUnixFileMode(Path.Combine(_source, "src", "m2", "f02.c"), (UnixFileMode)Convert.ToInt32("750", 8));
        DateTime m1Time = new(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        Directory.SetLastWriteTimeUtc(Path.Combine(_source, "src", "m1"), m1Time);

        (CommittedLayer committed, LayerWriteResult layer) = await RunAsync(new CopyAction(1, "/src", "/work/src"));

        string tree = Mounted(committed);
        Assert.Equal("file 29\n", File.ReadAllText(Path.Combine(tree, "work", "src", "m2", "f29.c")));
        Assert.Equal("from the base\n", File.ReadAllText(Path.Combine(tree, "work", "kept")));
        Assert.Equal("750", Convert.ToString((int)File.GetUnixFileMode(Path.Combine(tree, "work", "src", "m2", "f02.c")), 8));
        Assert.Equal(m1Time, Directory.GetLastWriteTimeUtc(Path.Combine(tree, "work", "src", "m1")));
        Assert.Equal("m0/f00.c", new FileInfo(Path.Combine(tree, "work", "src", "link")).LinkTarget);
        string Inode(string path) => ProcessRunner.Run("stat", ["-c", "%i", Path.Combine(tree, path)]).Trim();
        Assert.Equal(Inode("work/src/m0/f00.c"), Inode("work/src/m1/linked.c"));
        string[] entries = ProcessRunner.Run("tar", ["-tvf", _content.GetBlobPath(layer.Descriptor.Digest)])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(30 + 1 + 1 + 3 + 2, entries.Length); // files, hard link, symlink, m0..m2, work/ and work/src/
        Assert.Contains(entries, e => e.StartsWith("h", StringComparison.Ordinal) && e.Contains("link to work/src/m0/f00.c", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Copy_ThenAnotherCopyOverIt_SeesAndReplacesWhatTheFirstWrote()
    {
        RequiredTool.RequireRoot();
        Write("one/deep/x", "first\n");
        Write("one/deep/y", "kept\n");
        Write("two/deep/x", "second\n");

        (CommittedLayer committed, _) = await RunAsync(new CopyAction(1, "/one", "/dst"), new CopyAction(1, "/two", "/dst"));

        string tree = Mounted(committed);
        Assert.Equal("second\n", File.ReadAllText(Path.Combine(tree, "dst", "deep", "x")));
        Assert.Equal("kept\n", File.ReadAllText(Path.Combine(tree, "dst", "deep", "y")));
    }

    public void Dispose()
    {
        foreach (Snapshot view in _views) view.Dispose();
        _committer.Publish();
        MountTable.UnmountUnder(_root);
        Directory.Delete(_root, recursive: true);
    }
}
