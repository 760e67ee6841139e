using System.Diagnostics;
using Builder.Cache.Content;

namespace Builder.Cache.Tests.Content;

/// <summary>A build workspace's owner lock: held while its build lives, free to adopt once it is dead.</summary>
public sealed class BuildWorkspaceTests : IDisposable
{
    private readonly TemporaryStore _store = new();

    private StoreLayout Layout => _store.Content.Layout;

    public void Dispose() => _store.Dispose();

    [Fact]
    public void TryAdopt_OwnerAlive_IsRefused()
    {
        using BuildWorkspace live = BuildWorkspace.Create(Layout);

        Assert.False(BuildWorkspace.TryAdopt(Layout, live.Id, out _));
        Assert.True(Directory.Exists(live.Directory));
    }

    [Fact]
    public void TryAdopt_FolderWhoseOwnerNeverLocked_IsAdopted()
    {
        string id = "0123456789abcdef";
        Directory.CreateDirectory(Path.Combine(Layout.Workspace(id), "snapshot-x"));

        Assert.True(BuildWorkspace.TryAdopt(Layout, id, out BuildWorkspace? adopted));
        adopted.Dispose();

        Assert.False(Directory.Exists(Layout.Workspace(id)));
        Assert.False(File.Exists(Layout.WorkspaceLock(id)));
    }

    [Fact]
    public async Task TryAdopt_OwnerProcessKilled_IsAdoptedAndItsFolderRemoved()
    {
        using Process owner = StartOwner();
        string id = (await owner.StandardOutput.ReadLineAsync())!;
        Assert.False(BuildWorkspace.TryAdopt(Layout, id, out _));

        owner.Kill();
        await owner.WaitForExitAsync();

        Assert.True(Directory.Exists(Layout.Workspace(id))); // kill -9: nothing was cleaned
        Assert.True(BuildWorkspace.TryAdopt(Layout, id, out BuildWorkspace? adopted));
        adopted.Dispose();
        Assert.Empty(BuildWorkspace.ListFolders(Layout));
    }

    [Fact]
    public void Dispose_OwnWorkspace_RemovesFolderAndLock()
    {
        BuildWorkspace workspace = BuildWorkspace.Create(Layout);
        File.WriteAllText(Path.Combine(workspace.Directory, "scratch"), "x");

        workspace.Dispose();

        Assert.False(Directory.Exists(workspace.Directory));
        Assert.False(File.Exists(Layout.WorkspaceLock(workspace.Id)));
    }

    [Fact]
    public void ListFolders_WorkWithOtherEntries_ListsWorkspaceIdsOnly()
    {
        using BuildWorkspace workspace = BuildWorkspace.Create(Layout);
        Directory.CreateDirectory(Path.Combine(Layout.Work, "snapshot-0123"));
        Directory.CreateDirectory(Path.Combine(Layout.Work, "build-not-an-id"));

        Assert.Equal([workspace.Id], BuildWorkspace.ListFolders(Layout));
    }

    [Theory]
    [InlineData("build-0123456789abcdef-4f2a", "0123456789abcdef")]
    [InlineData("imgbuild-0123456789abcdef", null)]
    [InlineData("build-0123456789abcdef", null)]
    [InlineData("build-0123456789ABCDEF-1", null)]
    public void TryIdOfContainer_ContainerId_NamesItsWorkspace(string container, string? expected)
    {
        Assert.Equal(expected is not null, BuildWorkspace.TryIdOfContainer(container, out string? id));
        Assert.Equal(expected, id);
    }

    [Fact]
    public void TryIdOfPath_MountPointUnderWorkspace_NamesIt()
    {
        Assert.True(BuildWorkspace.TryIdOfPath(Layout, Layout.Workspace("0123456789abcdef") + "/snapshot-1/merged", out string? id));
        Assert.Equal("0123456789abcdef", id);
        Assert.False(BuildWorkspace.TryIdOfPath(Layout, Path.Combine(Layout.Work, "snapshot-1", "merged"), out _));
        Assert.False(BuildWorkspace.TryIdOfPath(Layout, Layout.Root + "/work-other/build-0123456789abcdef", out _));
    }

    private Process StartOwner()
    {
        var start = new ProcessStartInfo(ContentStoreProcessTests.DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "Builder.Cache.StoreProcess.dll"), "workspace", _store.Root })
            start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the store helper process");
    }
}
