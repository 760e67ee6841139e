using Builder.Cache.Content;
using Builder.Testing;

namespace Builder.Engine.Tests;

/// <summary>
/// Recovery of what dead builds left: a dead build's workspace goes with what is mounted in it, a live build's stays
/// whole, and the leftovers of builds before workspaces go only while no build runs. Real tmpfs mounts stand in for a
/// build's snapshots and bundle tmpfs; no runc container is involved (the end-to-end KilledBuildTests cover those).
/// </summary>
public sealed class AbandonedBuildRecoveryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-recovery-").FullName;
    private readonly StoreLayout _layout;
    private readonly List<string> _mounts = [];

    public AbandonedBuildRecoveryTests() => _layout = new StoreLayout(Path.Combine(_root, "store"));

    [Fact]
    public async Task RecoverAsync_DeadAndLiveWorkspaces_RemovesOnlyTheDeadOnesMountsAndFolder()
    {
        RequiredTool.RequireRoot();
        const string dead = "0123456789abcdef";
        string deadBundles = MountTmpfs(Path.Combine(_layout.Workspace(dead), "bundles"));
        File.WriteAllText(Path.Combine(deadBundles, "secret"), "x");
        using BuildWorkspace live = BuildWorkspace.Create(_layout);
        string liveBundles = MountTmpfs(Path.Combine(live.Directory, "bundles"));

        AbandonedBuildsReport report = await new AbandonedBuildRecovery(_layout, runc: null).RecoverAsync(noBuildRunning: false, CancellationToken.None);

        Assert.Equal(new AbandonedBuildsReport(Builds: 1, Containers: 0, Mounts: 1, Folders: 1), report);
        Assert.False(Directory.Exists(_layout.Workspace(dead)));
        Assert.False(IsMounted(deadBundles));
        Assert.True(IsMounted(liveBundles));
        Assert.Equal([live.Id], BuildWorkspace.ListFolders(_layout));
    }

    [Fact]
    public async Task RecoverAsync_EarlierVersionsSnapshot_StaysWhileBuildsMayRunAndGoesWhenNoneDoes()
    {
        RequiredTool.RequireRoot();
        string snapshot = Path.Combine(_layout.Work, "snapshot-" + Guid.NewGuid().ToString("N"));
        string merged = MountTmpfs(Path.Combine(snapshot, "merged"));
        string other = Directory.CreateDirectory(Path.Combine(_layout.Work, "not-a-build-leftover")).FullName;
        var recovery = new AbandonedBuildRecovery(_layout, runc: null);

        AbandonedBuildsReport whileBuildsRun = await recovery.RecoverAsync(noBuildRunning: false, CancellationToken.None);
        Assert.True(whileBuildsRun.IsEmpty);
        Assert.True(IsMounted(merged));

        AbandonedBuildsReport alone = await recovery.RecoverAsync(noBuildRunning: true, CancellationToken.None);

        Assert.Equal((1, 1), (alone.Mounts, alone.Folders));
        Assert.False(Directory.Exists(snapshot));
        Assert.True(Directory.Exists(other));
    }

    private string MountTmpfs(string directory)
    {
        Directory.CreateDirectory(directory);
        ProcessRunner.Run("mount", ["-t", "tmpfs", "tmpfs", directory]);
        _mounts.Add(directory);
        return directory;
    }

    private static bool IsMounted(string directory) =>
        File.ReadAllLines("/proc/self/mountinfo").Any(line => line.Split(' ')[4] == directory);

    public void Dispose()
    {
        foreach (string mount in _mounts.Where(IsMounted)) ProcessRunner.Run("umount", ["-l", mount]);
        Directory.Delete(_root, recursive: true);
    }
}
