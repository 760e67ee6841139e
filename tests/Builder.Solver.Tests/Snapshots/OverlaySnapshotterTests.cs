using Builder.Solver.Snapshots;
using Builder.Testing;

namespace Builder.Solver.Tests.Snapshots;

/// <summary>Real overlayfs mounts (as root, as CI runs).</summary>
public sealed class OverlaySnapshotterTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("imgbuild-snapshot-test-").FullName;

    private string Layer(string name, params (string Path, string Content)[] files)
    {
        string directory = Path.Combine(_work, name);
        foreach ((string path, string content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(directory, path))!);
            File.WriteAllText(Path.Combine(directory, path), content);
        }
        Directory.CreateDirectory(directory);
        return directory;
    }

    [Fact]
    public void Create_VolatileMounts_MountsWithoutSyncAndKeepsChanges()
    {
        RequiredTool.RequireRoot();
        string bottom = Layer("bottom", ("a", "bottom"));

        using Snapshot snapshot = new OverlaySnapshotter(volatileMounts: true).Create([bottom], _work);
        File.WriteAllText(Path.Combine(snapshot.RootFilesystem, "c"), "new");

        string mount = Assert.Single(File.ReadAllText("/proc/self/mountinfo").Split('\n'), line => line.Contains(snapshot.RootFilesystem, StringComparison.Ordinal));
        Assert.Contains("volatile", mount, StringComparison.Ordinal); // shown as "fsync=volatile" since Linux 6.x, ",volatile" before
        Assert.Equal("new", File.ReadAllText(Path.Combine(snapshot.ChangesDirectory!, "c")));
    }

    [Fact]
    public void Create_Default_MountsWithoutVolatile()
    {
        RequiredTool.RequireRoot();
        string bottom = Layer("bottom", ("a", "bottom"));

        using Snapshot snapshot = new OverlaySnapshotter().Create([bottom], _work);

        string mount = Assert.Single(File.ReadAllText("/proc/self/mountinfo").Split('\n'), line => line.Contains(snapshot.RootFilesystem, StringComparison.Ordinal));
        Assert.DoesNotContain("volatile", mount, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_TwoLayers_ShowsTopOverBottomAndKeepsChangesInUpper()
    {
        RequiredTool.RequireRoot();
        string bottom = Layer("bottom", ("a", "bottom"), ("b", "bottom"));
        string top = Layer("top", ("a", "top"));

        using (Snapshot snapshot = new OverlaySnapshotter().Create([top, bottom], _work))
        {
            Assert.Equal("top", File.ReadAllText(Path.Combine(snapshot.RootFilesystem, "a")));
            Assert.Equal("bottom", File.ReadAllText(Path.Combine(snapshot.RootFilesystem, "b")));
            File.WriteAllText(Path.Combine(snapshot.RootFilesystem, "c"), "new");
            File.Delete(Path.Combine(snapshot.RootFilesystem, "b"));

            Assert.Equal("new", File.ReadAllText(Path.Combine(snapshot.ChangesDirectory!, "c")));
            Assert.Equal("bottom", File.ReadAllText(Path.Combine(bottom, "b")));
        }
        Assert.DoesNotContain(File.ReadAllText("/proc/self/mountinfo").Split('\n'), line => line.Contains(_work, StringComparison.Ordinal));
        Assert.Equal(["bottom", "top"], Directory.GetFileSystemEntries(_work).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Commit_WithCleanup_KeepsChangesAtOnceAndDeletesTheFolderInTheBackground()
    {
        RequiredTool.RequireRoot();
        string bottom = Layer("bottom", ("a", "bottom"));
        var cleanup = new SnapshotCleanup();
        string destination = Path.Combine(_work, "layers", "committed");

        Snapshot snapshot = new OverlaySnapshotter(volatileMounts: true, cleanup).Create([bottom], _work);
        File.WriteAllText(Path.Combine(snapshot.RootFilesystem, "c"), "new");
        snapshot.Commit(destination);

        Assert.Equal("new", File.ReadAllText(Path.Combine(destination, "c")));
        Assert.DoesNotContain(File.ReadAllText("/proc/self/mountinfo").Split('\n'), line => line.Contains(_work, StringComparison.Ordinal));
        cleanup.Drain();
        Assert.Equal(["bottom", "layers"], Directory.GetFileSystemEntries(_work).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Dispose_WithCleanup_UnmountsAtOnceAndDeletesTheFolderByDrain()
    {
        RequiredTool.RequireRoot();
        string bottom = Layer("bottom", ("a", "bottom"));
        var cleanup = new SnapshotCleanup();

        using (Snapshot snapshot = new OverlaySnapshotter(volatileMounts: true, cleanup).Create([bottom], _work))
            File.WriteAllText(Path.Combine(snapshot.RootFilesystem, "c"), "dropped");

        Assert.DoesNotContain(File.ReadAllText("/proc/self/mountinfo").Split('\n'), line => line.Contains(_work, StringComparison.Ordinal));
        cleanup.Drain();
        Assert.Equal(["bottom"], Directory.GetFileSystemEntries(_work).Select(Path.GetFileName));
    }

    [Fact]
    public void Create_NoLowerLayers_GivesEmptyWritableRoot()
    {
        RequiredTool.RequireRoot();

        using Snapshot snapshot = new OverlaySnapshotter().Create([], _work);

        Assert.Empty(Directory.GetFileSystemEntries(snapshot.RootFilesystem));
        File.WriteAllText(Path.Combine(snapshot.RootFilesystem, "x"), "x");
    }

    [Fact]
    public void IsSupported_AsRootOnThisMachine_IsTrue()
    {
        RequiredTool.RequireRoot();

        Assert.True(OverlaySnapshotter.IsSupported(_work));
    }

    [Fact]
    public void CopySnapshotter_LowerTree_IsCopiedAndLeftUntouched()
    {
        string lower = Layer("lower", ("dir/a", "a"));

        using (Snapshot snapshot = new CopySnapshotter().Create([lower], _work))
        {
            File.WriteAllText(Path.Combine(snapshot.RootFilesystem, "dir", "a"), "changed");
            Assert.Null(snapshot.ChangesDirectory);
        }

        Assert.Equal("a", File.ReadAllText(Path.Combine(lower, "dir", "a")));
        Assert.Equal(["lower"], Directory.GetFileSystemEntries(_work).Select(Path.GetFileName));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
