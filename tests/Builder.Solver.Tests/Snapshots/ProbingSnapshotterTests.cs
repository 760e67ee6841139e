using Builder.Solver.Snapshots;
using Builder.Testing;

namespace Builder.Solver.Tests.Snapshots;

/// <summary>The snapshotter a build uses is chosen by a probe mount only when a snapshot is first needed.</summary>
public sealed class ProbingSnapshotterTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("imgbuild-probing-test-").FullName;

    [Fact]
    public void New_BeforeAnySnapshot_ProbesAndWritesNothing()
    {
        string work = Path.Combine(_work, "work");

        var snapshotter = new ProbingSnapshotter(work, () => { });

        Assert.False(snapshotter.HasProbed);
        Assert.False(Directory.Exists(work));
    }

    [Fact]
    public void Create_AsRootOnThisKernel_UsesOverlayfsWithoutFallingBack()
    {
        RequiredTool.RequireRoot();
        bool fellBack = false;
        var snapshotter = new ProbingSnapshotter(Path.Combine(_work, "work"), () => fellBack = true);
        string lower = Directory.CreateDirectory(Path.Combine(_work, "lower")).FullName;
        File.WriteAllText(Path.Combine(lower, "a"), "lower");

        using (Snapshot snapshot = snapshotter.Create([lower], Path.Combine(_work, "work")))
            Assert.Equal("lower", File.ReadAllText(Path.Combine(snapshot.RootFilesystem, "a")));

        Assert.True(snapshotter.HasProbed);
        Assert.Equal(new OverlaySnapshotter().Name, snapshotter.Name);
        Assert.False(fellBack);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
