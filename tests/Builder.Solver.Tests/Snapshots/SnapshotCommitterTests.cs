using Builder.Cache.Content;
using Builder.Cache.Layers;
using Builder.Oci;
using Builder.Solver.Snapshots;
using Builder.Testing;

namespace Builder.Solver.Tests.Snapshots;

/// <summary>
/// A step's changes are a committed directory at once, its layer is written from there in the background, and the
/// directory moves to <c>layers/&lt;diffID&gt;</c> when the build publishes (real overlayfs mounts, as root).
/// </summary>
public sealed class SnapshotCommitterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-committer-test-").FullName;
    private readonly string _work;
    private readonly string _layers;
    private readonly ContentStore _content;
    private readonly string _base;

    public SnapshotCommitterTests()
    {
        _work = Path.Combine(_root, "work");
        _layers = Path.Combine(_root, "layers");
        _content = new ContentStore(Path.Combine(_root, "store"));
        _base = Directory.CreateDirectory(Path.Combine(_root, "base", "etc")).Parent!.FullName;
        File.WriteAllText(Path.Combine(_base, "etc", "old"), "old\n");
    }

    // A snapshot of the base with a new file and the base's file deleted.
    private Snapshot Changed(string content)
    {
        Snapshot snapshot = new OverlaySnapshotter().Create([_base], _work);
        File.WriteAllText(Path.Combine(snapshot.RootFilesystem, "new"), content);
        File.Delete(Path.Combine(snapshot.RootFilesystem, "etc", "old"));
        return snapshot;
    }

    [Fact]
    public async Task Commit_GivesTheDirectoryAtOnce_ThenTheLayerWrittenFromIt()
    {
        RequiredTool.RequireRoot();
        var committer = new SnapshotCommitter(_content, _work, _layers);

        CommittedLayer committed = committer.Commit(Changed("fresh\n"), new LayerWriteOptions { Compression = LayerCompression.Uncompressed });
        string contentAtOnce = File.ReadAllText(Path.Combine(committed.Directory, "new"));
        LayerWriteResult layer = await committed.Layer;

        Assert.Equal("fresh\n", contentAtOnce);
        Assert.StartsWith(_work, committed.Directory, StringComparison.Ordinal);
        Assert.True(_content.Contains(layer.Descriptor.Digest));
        string[] entries = ProcessRunner.Run("tar", ["-tf", _content.GetBlobPath(layer.Descriptor.Digest)]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("new", entries);
        Assert.Contains("etc/.wh.old", entries);
        // Until the build ends, a later step of this build finds the layer in its committed directory.
        Assert.Equal(committed.Directory, committer.DirectoryOf(layer.DiffId));
    }

    [Fact]
    public async Task Publish_MovesEachCommittedDirectoryToItsDiffId()
    {
        RequiredTool.RequireRoot();
        var committer = new SnapshotCommitter(_content, _work, _layers);
        CommittedLayer committed = committer.Commit(Changed("published\n"), new LayerWriteOptions());
        Digest diffId = (await committed.Layer).DiffId;

        committer.Publish();

        string published = Path.Combine(_layers, diffId.Encoded);
        Assert.Equal("published\n", File.ReadAllText(Path.Combine(published, "new")));
        Assert.False(Directory.Exists(committed.Directory));
        Assert.Equal(published, committer.DirectoryOf(diffId));
        Assert.False(Directory.Exists(Path.Combine(_work, "committed")));
    }

    [Fact]
    public async Task Publish_SameLayerAlreadyThere_KeepsTheOneThere()
    {
        RequiredTool.RequireRoot();
        var committer = new SnapshotCommitter(_content, _work, _layers);
        CommittedLayer committed = committer.Commit(Changed("same\n"), new LayerWriteOptions());
        Digest diffId = (await committed.Layer).DiffId;
        string there = Directory.CreateDirectory(Path.Combine(_layers, diffId.Encoded)).FullName;
        File.WriteAllText(Path.Combine(there, "marker"), "another build's");

        committer.Publish();

        Assert.Equal("another build's", File.ReadAllText(Path.Combine(there, "marker")));
        Assert.False(File.Exists(Path.Combine(there, "new")));
    }

    [Fact]
    public async Task Commit_LayerCannotBeStored_TheLayerFails_AndPublishLeavesItsDirectory()
    {
        RequiredTool.RequireRoot();
        // A content store whose blob folder is a file: the written layer cannot be named in it.
        string store = Directory.CreateDirectory(Path.Combine(_root, "broken-store")).FullName;
        File.WriteAllText(Path.Combine(store, "blobs"), "not a folder");
        var committer = new SnapshotCommitter(new ContentStore(store), _work, _layers);

        CommittedLayer committed = committer.Commit(Changed("lost\n"), new LayerWriteOptions());

        await Assert.ThrowsAnyAsync<IOException>(() => committed.Layer);
        committer.Publish();
        Assert.True(Directory.Exists(committed.Directory));
        Assert.False(Directory.Exists(_layers) && Directory.EnumerateDirectories(_layers).Any());
    }

    public void Dispose()
    {
        MountTable.UnmountUnder(_root);
        Directory.Delete(_root, recursive: true);
    }
}
