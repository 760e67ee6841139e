using Builder.Cache.Layers;
using Builder.Graph;
using Builder.Solver.Caching;
using Builder.Solver.Context;
using Builder.Solver.Ops;

namespace Builder.Solver.Tests.Context;

/// <summary>A build context read in place: hashed without copying, copied from where it is, checked against what was hashed.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SelectedContextTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-context-").FullName;
    private readonly string _context;
    private readonly string _target;

    public SelectedContextTests()
    {
        _context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        _target = Directory.CreateDirectory(Path.Combine(_root, "target")).FullName;
        Write("app/main.txt", "main\n");
        Write("app/secret.txt", "ignored\n");
        Write("other.txt", "other\n");
    }

    private void Write(string relative, string content)
    {
        string path = Path.Combine(_context, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private SelectedContext Read(string[] include, string[]? ignore = null) =>
        new BuildContextSource(_context).Read(new ContextSourceStep(ContextSourceStep.DefaultName, [.. include], [.. ignore ?? []]),
            StatCache.InMemory(), CancellationToken.None);

    private static string[] Tree(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    [Fact]
    public void Read_Selection_WritesNothingAndLinksNothing()
    {
        string[] before = Tree(_root);

        SelectedContext selected = Read(["app"], ["app/secret.txt"]);

        Assert.Equal(["app", "app/main.txt"], selected.Paths.ToArray());
        Assert.Equal(before, Tree(_root));
        Assert.Equal(1u, HostFiles.Identity(Path.Combine(_context, "app/main.txt"))!.Value.Links);
    }

    [Fact]
    public async Task ContentHash_IsTheHashOfTheSelectionMaterialized()
    {
        File.CreateSymbolicLink(Path.Combine(_context, "app", "link"), "main.txt");
        SelectedContext selected = Read(["app", "other.txt"], ["app/secret.txt"]);
        string directory = Path.Combine(_root, "materialized");

        await selected.MaterializeAsync(directory, CancellationToken.None);

        Assert.Equal(ContentHasher.Hash(directory, StatCache.InMemory()), selected.ContentHash);
        Assert.False(File.Exists(Path.Combine(directory, "app", "secret.txt")));
    }

    [Fact]
    public async Task ContentHash_ManyEntriesReadOnEveryCore_IsTheHashOfTheSelectionMaterialized()
    {
        // More entries than are read on one thread: they are described and hashed in parallel, then hashed in order.
        for (int i = 0; i < 300; i++) Write($"tree/d{i % 7}/f{i:000}", $"file {i}\n");
        SelectedContext selected = Read(["tree"]);
        string directory = Path.Combine(_root, "materialized-many");

        await selected.MaterializeAsync(directory, CancellationToken.None);

        Assert.Equal(ContentHasher.Hash(directory, StatCache.InMemory()), selected.ContentHash);
        Assert.Equal(selected.Paths.ToArray(), selected.Listing().Select(l => l.Key).ToArray());
        Write("tree/d3/f150", "changed\n");
        Assert.NotEqual(selected.ContentHash, Read(["tree"]).ContentHash);
    }

    [Fact]
    public async Task Copy_FileEditedAfterHashing_FailsNamingTheFile()
    {
        SelectedContext selected = Read(["app"]);
        File.AppendAllText(Path.Combine(_context, "app", "main.txt"), "edited\n");

        IOException e = await Assert.ThrowsAsync<IOException>(() =>
            CopyActionRunner.ApplyAsync(new CopyAction(0, "/app", "/dst/"), selected, _target, CancellationToken.None));

        Assert.Equal($"{Path.Combine(_context, "app", "main.txt")} changed while the build was reading it; run the build again", e.Message);
    }

    [Fact]
    public async Task Copy_FileRewrittenWithSameSizeAndTime_FailsOnItsContent()
    {
        string file = Path.Combine(_context, "other.txt");
        SelectedContext selected = Read(["other.txt"]);
        DateTime modified = File.GetLastWriteTimeUtc(file);
        File.WriteAllText(file, "OTHER\n");
        File.SetLastWriteTimeUtc(file, modified);

        IOException e = await Assert.ThrowsAsync<IOException>(() =>
            CopyActionRunner.ApplyAsync(new CopyAction(0, "/other.txt", "/dst/"), selected, _target, CancellationToken.None));

        Assert.Contains("other.txt changed while the build was reading it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_FileDeletedAfterHashing_Fails()
    {
        SelectedContext selected = Read(["app"]);
        File.Delete(Path.Combine(_context, "app", "secret.txt"));

        IOException e = await Assert.ThrowsAsync<IOException>(() =>
            CopyActionRunner.ApplyAsync(new CopyAction(0, "/app", "/dst/"), selected, _target, CancellationToken.None));

        Assert.Contains("secret.txt changed while the build was reading it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Materialize_FileEditedAfterHashing_Fails()
    {
        SelectedContext selected = Read(["app"]);
        File.AppendAllText(Path.Combine(_context, "app", "main.txt"), "edited\n");

        IOException e = await Assert.ThrowsAsync<IOException>(() => selected.MaterializeAsync(Path.Combine(_root, "m"), CancellationToken.None));

        Assert.Contains("main.txt changed while the build was reading it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_Directory_TakesOnlySelectedEntries()
    {
        SelectedContext selected = Read(["."], ["app/secret.txt"]);
        Write("app/added-later.txt", "not hashed\n");

        await CopyActionRunner.ApplyAsync(new CopyAction(0, "/", "/dst/"), selected, _target, CancellationToken.None);

        Assert.Equal("main\n", File.ReadAllText(Path.Combine(_target, "dst", "app", "main.txt")));
        Assert.False(File.Exists(Path.Combine(_target, "dst", "app", "secret.txt")));
        Assert.False(File.Exists(Path.Combine(_target, "dst", "app", "added-later.txt")));
    }

    [Fact]
    public async Task Copy_LinkToAnIgnoredFile_DoesNotReadIt()
    {
        File.CreateSymbolicLink(Path.Combine(_context, "link"), "app/secret.txt");
        SelectedContext selected = Read(["link"], ["app/secret.txt"]);

        IOException e = await Assert.ThrowsAsync<IOException>(() =>
            CopyActionRunner.ApplyAsync(new CopyAction(0, "/link", "/dst") { FollowSymlinks = true }, selected, _target, CancellationToken.None));

        Assert.Equal("\"/link\": not found", e.Message);
        Assert.False(File.Exists(Path.Combine(_target, "dst")));
    }

    [Fact]
    public async Task Copy_WildcardSource_MatchesOnlySelectedEntries()
    {
        SelectedContext selected = Read(["app/*.txt"], ["app/secret.txt"]);

        await CopyActionRunner.ApplyAsync(new CopyAction(0, "/app/*.txt", "/dst/") { AllowWildcard = true }, selected, _target, CancellationToken.None);

        Assert.Equal(["main.txt"], Directory.GetFileSystemEntries(Path.Combine(_target, "dst")).Select(Path.GetFileName));
    }

    // The client sends the build context with uid and gid 0 (resetUIDAndGID in BuildKit's client/solve.go).
    [Fact]
    public async Task Copy_WithoutChown_GivesContextFilesRoot()
    {
        Builder.Testing.RequiredTool.RequireRoot();
        Builder.Testing.ProcessRunner.Run("chown", ["-R", "1234:5678", Path.Combine(_context, "app")]);
        SelectedContext selected = Read(["app"]);

        await CopyActionRunner.ApplyAsync(new CopyAction(0, "/app", "/dst/"), selected, _target, CancellationToken.None);

        Assert.Equal("0:0\n0:0\n", Builder.Testing.ProcessRunner.Run("stat", ["-c", "%u:%g", Path.Combine(_target, "dst"), Path.Combine(_target, "dst", "main.txt")]));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Read_DevicesAndFifos_HashedByTypeAndNumberNeverOpened()
    {
        // /dev/zero's numbers: reading it would never end, so a hash that finishes did not read it.
        string node = Path.Combine(_context, "node");
        Builder.Testing.ProcessRunner.Run("mknod", [node, "c", "1", "5"]);
        string zero = Read(["node"]).ContentHash;
        File.Delete(node);
        Builder.Testing.ProcessRunner.Run("mknod", [node, "c", "1", "3"]);
        string nullDevice = Read(["node"]).ContentHash;
        File.Delete(node);
        Builder.Testing.ProcessRunner.Run("mkfifo", [node]);
        string fifo = Read(["node"]).ContentHash;

        Assert.Equal(3, new[] { zero, nullDevice, fifo }.Distinct().Count());
    }

    [Fact]
    public async Task MaterializeAsync_FifoAndDevice_MadeAgainNotRead()
    {
        Builder.Testing.ProcessRunner.Run("mkfifo", [Path.Combine(_context, "pipe")]);
        Builder.Testing.ProcessRunner.Run("mknod", [Path.Combine(_context, "zero"), "c", "1", "5"]);
        string copy = Path.Combine(_root, "copy");

        await Read(["pipe", "zero"]).MaterializeAsync(copy, CancellationToken.None);

        Assert.Equal(["p:0:0", "c:1:5"], new[] { "pipe", "zero" }.Select(name => HostFiles.Describe(Path.Combine(copy, name))?.Node));
    }
}
