using Builder.Testing;
using Builder.Testing.Images;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// Bad input only a real build meets: a base image whose config and manifest disagree on the layers, a store on a full
/// disk. Each fails the build with one line naming what and where, and no stack trace.
/// </summary>
public sealed class BadInputBuildTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-bad-build-").FullName;
    private string? _mounted;

    public void Dispose()
    {
        if (_mounted is not null) ProcessRunner.Run("umount", [_mounted]);
        Directory.Delete(_root, recursive: true);
    }

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--progress", "quiet", .. args]);

    // A one-layer OCI layout whose config lists the diff_ids configDiffIds makes of the real one.
    private string BrokenLayout(Func<IReadOnlyList<string>, IEnumerable<string>> configDiffIds)
    {
        string rootfs = Directory.CreateDirectory(Path.Combine(_root, "rootfs")).FullName;
        File.WriteAllText(Path.Combine(rootfs, "hello"), "hello\n");
        string layout = Path.Combine(_root, "layout");
        FixtureImageWriter.Write(layout, [rootfs], [], [], "fixture", configDiffIds);
        return layout;
    }

    [Theory]
    [InlineData(0, "1 layers but its config lists 0 diff_ids")]
    [InlineData(2, "1 layers but its config lists 2 diff_ids")]
    public void Build_BaseConfigDiffIdsDisagreeWithLayers_OneLineSayingTheImageIsBroken(int listed, string says)
    {
        RequiredTool.RequireRoot();
        string layout = BrokenLayout(real => Enumerable.Repeat(real[0], listed));
        string context = TestContext.WithDockerfile(_root, "FROM base\nRUN true\n");

        var build = Imgbuild("--root", Path.Combine(_root, "store"), "--build-context", $"base=oci-layout://{layout}", context);

        Assert.NotEqual(0, build.Status);
        Assert.Matches($"^imgbuild: .*the image .* is broken: its manifest has {says} \\(mismatched image rootfs and manifest layers\\)\n$", build.Err);
    }

    [Fact]
    public void Build_StoreOnAFullDisk_SaysNoSpaceLeftAtItNotThatOverlayfsIsMissing()
    {
        RequiredTool.RequireRoot();
        // A small tmpfs: a first build makes the store, then files take every inode left.
        string disk = Directory.CreateDirectory(Path.Combine(_root, "disk")).FullName;
        ProcessRunner.Run("mount", ["-t", "tmpfs", "-o", "size=32m,nr_inodes=400", "tmpfs", disk]);
        _mounted = disk;
        string store = Path.Combine(disk, "store");
        string context = TestContext.WithDockerfile(_root, "FROM scratch\nCOPY a /a\n");
        File.WriteAllText(Path.Combine(context, "a"), "1\n");
        var first = Imgbuild("--root", store, context);
        Assert.True(first.Status == 0, first.Err);
        for (int i = 0; ; i++)
        {
            try { File.Create(Path.Combine(disk, $"fill-{i}")).Dispose(); }
            catch (IOException) { break; }
        }
        File.WriteAllText(Path.Combine(context, "a"), "2\n");

        var second = Imgbuild("--root", store, context);

        Assert.NotEqual(0, second.Status);
        Assert.DoesNotContain("overlayfs is not available", second.Err, StringComparison.Ordinal);
        // One line naming the reason and the place in the store where writing failed (the build's workspace lock, or
        // the overlay probe's work folder, whichever the build reaches first).
        Assert.Matches($"^imgbuild: [^\n]*{System.Text.RegularExpressions.Regex.Escape(store)}/[^\n]*\n$", second.Err);
        Assert.Contains("no space left on device", second.Err, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Build_UnreadableContextFile_ErrorNamesItInTheContext()
    {
        RequiredTool.RequireRoot();
        RequiredTool.Find("setpriv", "util-linux");
        // Root reads every file: the build runs as nobody, and the context holds a file only root may read.
        ProcessRunner.Run("chmod", ["755", _root]);
        string context = TestContext.WithDockerfile(_root, "FROM scratch\nCOPY . /x/\n");
        string secret = Path.Combine(context, "secret.txt");
        File.WriteAllText(secret, "root only\n");
        ProcessRunner.Run("chmod", ["000", secret]);
        string store = Directory.CreateDirectory(Path.Combine(_root, "store")).FullName;
        string home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
        ProcessRunner.Run("chown", ["65534:65534", store, home]);

        (int status, _, string stderr) = ProcessRunner.Capture("setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", Path.Combine(AppContext.BaseDirectory, "imgbuild.dll"),
             "--root", store, "build", "--progress", "quiet", context],
            environment: new Dictionary<string, string> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home });

        Assert.NotEqual(0, status);
        // The failed context step as buildx reports a failed vertex (its summary block, then the error), naming the file.
        Assert.Contains($"cannot read 'secret.txt' in the build context {context}: permission denied", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
