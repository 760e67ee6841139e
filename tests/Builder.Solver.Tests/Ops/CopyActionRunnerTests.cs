using Builder.Graph;
using Builder.Solver.Ops;
using Builder.Testing;

namespace Builder.Solver.Tests.Ops;

/// <summary>COPY and ADD options carried out on real directories: archives, --parents, symbolic --chmod, --exclude.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CopyActionRunnerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-copy-").FullName;
    private readonly string _source;
    private readonly string _target;

    public CopyActionRunnerTests()
    {
        _source = Directory.CreateDirectory(Path.Combine(_root, "source")).FullName;
        _target = Directory.CreateDirectory(Path.Combine(_root, "target")).FullName;
        Directory.CreateDirectory(Path.Combine(_target, "etc"));
        File.WriteAllText(Path.Combine(_target, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        File.WriteAllText(Path.Combine(_target, "etc", "group"), "root:x:0:\napp:x:1000:\n");
    }

    private void Write(string relative, string content, string mode = "644")
    {
        string path = Path.Combine(_source, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));
    }

    private Task Copy(CopyAction copy) => CopyActionRunner.ApplyAsync(copy, _source, _target, CancellationToken.None);

    private string Target(string relative) => Path.Combine(_target, relative.TrimStart('/'));

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);

    // An archive made by GNU tar with the given compression flag, holding a/b.txt (owner 1234:5678) and a link.
    private string MakeArchive(string name, string compressFlag)
    {
        string tree = Directory.CreateDirectory(Path.Combine(_root, "tree-" + name)).FullName;
        Directory.CreateDirectory(Path.Combine(tree, "a"));
        File.WriteAllText(Path.Combine(tree, "a", "b.txt"), "from " + name + "\n");
        File.WriteAllText(Path.Combine(tree, ".wh.kept"), "not a whiteout here\n");
        File.CreateSymbolicLink(Path.Combine(tree, "a", "link"), "b.txt");
        ProcessRunner.Run("tar", [compressFlag, "-cf", Path.Combine(_source, name), "--owner=1234", "--group=5678", "--numeric-owner", "-C", tree, "."]);
        return name;
    }

    [Theory]
    [InlineData("plain.tar", "--no-auto-compress")]
    [InlineData("gzip.tgz", "--gzip")]
    [InlineData("bzip2.tar.bz2", "--bzip2")]
    [InlineData("xz.tar.xz", "--xz")]
    [InlineData("zstd.tar.zst", "--zstd")]
    public async Task Add_LocalArchive_IsUnpackedWithItsOwnersAndLinks(string name, string compressFlag)
    {
        RequiredTool.RequireRoot();
        MakeArchive(name, compressFlag);

        await Copy(new CopyAction(0, "/" + name, "/opt/unpacked") { UnpackArchive = true });

        Assert.Equal($"from {name}\n", File.ReadAllText(Target("opt/unpacked/a/b.txt")));
        Assert.Equal("b.txt", new FileInfo(Target("opt/unpacked/a/link")).LinkTarget);
        Assert.Equal("1234:5678", ProcessRunner.Run("stat", ["-c", "%u:%g", Target("opt/unpacked/a/b.txt")]).Trim());
        Assert.True(File.Exists(Target("opt/unpacked/.wh.kept")), "a .wh. name in an archive is an ordinary file, not a whiteout");
        Assert.False(File.Exists(Target($"opt/unpacked/{name}")));
    }

    [Fact]
    public async Task Add_ArchiveWithChown_GivesEveryEntryTheOwner()
    {
        RequiredTool.RequireRoot();
        MakeArchive("owned.tgz", "--gzip");

        await Copy(new CopyAction(0, "/owned.tgz", "/x/") { UnpackArchive = true, Owner = new FileOwner("app", null) });

        Assert.Equal("1000:1000", ProcessRunner.Run("stat", ["-c", "%u:%g", Target("x/a/b.txt")]).Trim());
    }

    [Fact]
    public async Task Copy_Archive_IsNotUnpacked_AndAddOfATextFileIsCopied()
    {
        MakeArchive("kept.tgz", "--gzip");
        Write("notes.txt", "plain text, not a tar\n");

        await Copy(new CopyAction(0, "/kept.tgz", "/copied/"));
        await Copy(new CopyAction(0, "/notes.txt", "/added/") { UnpackArchive = true });

        Assert.True(File.Exists(Target("copied/kept.tgz")));
        Assert.Equal("plain text, not a tar\n", File.ReadAllText(Target("added/notes.txt")));
    }

    [Fact]
    public async Task Add_GzipOfSomethingThatIsNotATar_IsCopiedAsAFile()
    {
        Write("data", "just data\n");
        ProcessRunner.Run("gzip", ["-k", Path.Combine(_source, "data")]);

        await Copy(new CopyAction(0, "/data.gz", "/d/") { UnpackArchive = true });

        Assert.True(File.Exists(Target("d/data.gz")));
    }

    [Fact]
    public async Task Add_ArchiveWithAnEntryClimbingOut_IsRefusedAndWritesNothingOutside()
    {
        string tree = Directory.CreateDirectory(Path.Combine(_root, "evil")).FullName;
        File.WriteAllText(Path.Combine(tree, "x"), "escape\n");
        ProcessRunner.Run("tar", ["-cf", Path.Combine(_source, "evil.tar"), "-C", tree, "--transform", "s,^x,../../escaped,", "x"]);

        await Assert.ThrowsAsync<Cache.Layers.LayerFormatException>(() => Copy(new CopyAction(0, "/evil.tar", "/in/") { UnpackArchive = true }));
        Assert.False(File.Exists(Path.Combine(_root, "escaped")));
    }

    [Fact]
    public async Task Copy_Parents_KeepsTheSourceDirectories()
    {
        Write("src/app/main.c", "int main;\n");
        Write("src/lib/util.c", "int util;\n");
        Write("docs/readme.md", "readme\n");
        File.SetUnixFileMode(Path.Combine(_source, "src", "app"), (UnixFileMode)Convert.ToInt32("700", 8));

        await Copy(new CopyAction(0, "/src/*/*.c", "/out/") { Parents = true });
        await Copy(new CopyAction(0, "/docs", "/out/") { Parents = true });

        Assert.True(File.Exists(Target("out/src/app/main.c")));
        Assert.True(File.Exists(Target("out/src/lib/util.c")));
        Assert.True(File.Exists(Target("out/docs/readme.md")));
        Assert.Equal("700", Mode(Target("out/src/app")));
    }

    [Theory]
    [InlineData("u+x", "644", "744")]
    [InlineData("go-r", "644", "600")]
    [InlineData("a=rX", "644", "444")]
    [InlineData("a=rX", "755", "555")]
    [InlineData("u=rwx,g=u,o=", "640", "770")]
    [InlineData("+x", "600", "711")]
    [InlineData("u+s", "755", "4755")]
    public async Task Copy_SymbolicChmod_ChangesEachFileFromItsOwnMode(string chmod, string before, string after)
    {
        Write("file", "x\n", before);

        await Copy(new CopyAction(0, "/file", "/file") { Mode = chmod });

        Assert.Equal(after, Mode(Target("file")));
    }

    [Fact]
    public async Task Copy_SymbolicChmodCapitalX_AddsExecuteToDirectoriesOnly()
    {
        Write("tree/plain.txt", "p\n", "644");
        File.SetUnixFileMode(Path.Combine(_source, "tree"), (UnixFileMode)Convert.ToInt32("700", 8));

        await Copy(new CopyAction(0, "/tree", "/tree") { Mode = "go+rX" });

        Assert.Equal("755", Mode(Target("tree")));
        Assert.Equal("644", Mode(Target("tree/plain.txt")));
    }

    [Fact]
    public async Task Copy_Exclude_LeavesMatchingPathsOutRelativeToTheSource()
    {
        Write("app/main.go", "main\n");
        Write("app/main_test.go", "test\n");
        Write("app/pkg/x_test.go", "test\n");
        Write("app/vendor/dep.go", "dep\n");
        Write("app/keep_test.go", "kept by an exception\n");

        await Copy(new CopyAction(0, "/app", "/src/") { ExcludePatterns = ["**/*_test.go", "vendor", "!keep_test.go"] });

        Assert.True(File.Exists(Target("src/main.go")));
        Assert.False(File.Exists(Target("src/main_test.go")));
        Assert.False(File.Exists(Target("src/pkg/x_test.go")));
        Assert.False(Directory.Exists(Target("src/vendor")));
        Assert.True(File.Exists(Target("src/keep_test.go")));
    }

    [Fact]
    public async Task Copy_ExcludeWithGlobSource_MatchesTheFileNames()
    {
        Write("home.txt", "t\n");
        Write("home.md", "m\n");

        await Copy(new CopyAction(0, "/hom*", "/d/") { ExcludePatterns = ["*.txt"] });

        Assert.Equal(["home.md"], Directory.GetFiles(Target("d")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Copy_ExcludeWithExceptionInsideAnExcludedDirectory_KeepsOnlyTheException()
    {
        Write("app/vendor/dep.go", "dep\n");
        Write("app/vendor/keep/kept.go", "kept\n");
        Write("app/other/skip.go", "skip\n");

        await Copy(new CopyAction(0, "/app", "/src/") { ExcludePatterns = ["vendor", "other", "!vendor/keep"] });

        Assert.False(File.Exists(Target("src/vendor/dep.go")));
        Assert.True(File.Exists(Target("src/vendor/keep/kept.go")));
        Assert.False(Directory.Exists(Target("src/other")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
