using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// Why a step ran (moby/buildkit#2567): each step that misses the cache prints one "#N miss: …" line in plain
/// progress naming the first difference from its closest cached record, and <c>--explain</c> prints the comparison
/// for every step without building. Real builds (runc, a base from a loopback registry).
/// </summary>
public sealed class CacheMissReasonTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-explain-e2e-").FullName;
    private readonly string _base;

    public CacheMissReasonTests()
    {
        _base = _registry.SeedBusybox("library/busybox");
    }

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args]);

    private string Context(string from)
    {
        string context = TestContext.WithDockerfile(_root, $"""
            FROM {from} AS app
            ARG VERSION=1
            RUN echo $VERSION > /version
            COPY src /src
            RUN cat /src/a.c > /copy
            """);
        Directory.CreateDirectory(Path.Combine(context, "src"));
        File.WriteAllText(Path.Combine(context, "src", "a.c"), "int a;\n");
        File.WriteAllText(Path.Combine(context, "src", "b.c"), "int b;\n");
        return context;
    }

    // The "#N miss: …" lines of the step whose header ends with the instruction (as progress names it, variables
    // expanded as BuildKit names a vertex: RUN echo $VERSION with VERSION=2 is "RUN echo 2"); plain progress prints a step's header again when it resumes after another step's lines.
    private static List<string> Reasons(string progress, string instruction)
    {
        string[] lines = progress.Split('\n');
        string start = lines.Where(l => l.StartsWith('#') && l.EndsWith("] " + instruction, StringComparison.Ordinal)).Distinct().Single();
        string prefix = start[..start.IndexOf(' ', StringComparison.Ordinal)] + " miss: ";
        return [.. lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..])];
    }

    [Fact]
    public void FirstBuild_EveryStepHasNoRecord()
    {
        RequiredTool.RequireRoot();

        var build = Imgbuild("--progress", "plain", Context(_base));

        Assert.True(build.Status == 0, build.Err);
        Assert.StartsWith("no cache record for this step", Assert.Single(Reasons(build.Err, "RUN echo 1 > /version")), StringComparison.Ordinal);
        Assert.StartsWith("no cache record for this step", Assert.Single(Reasons(build.Err, "COPY src /src")), StringComparison.Ordinal);
    }

    [Fact]
    public void EditedContextFile_CopyNamesTheFile_TheNextRunNamesTheCopy()
    {
        RequiredTool.RequireRoot();
        string context = Context(_base);
        Assert.Equal(0, Imgbuild(context).Status);
        File.WriteAllText(Path.Combine(context, "src", "a.c"), "int a = 2;\n");

        var rebuild = Imgbuild("--progress", "plain", context);

        Assert.True(rebuild.Status == 0, rebuild.Err);
        Assert.Empty(Reasons(rebuild.Err, "RUN echo 1 > /version"));
        Assert.Equal("context file changed: src/a.c (1 file)", Assert.Single(Reasons(rebuild.Err, "COPY src /src")));
        Assert.Equal($"an earlier step ran again: {Path.Combine(context, "Dockerfile")}:4 COPY src /src", Assert.Single(Reasons(rebuild.Err, "RUN cat /src/a.c > /copy")));
    }

    [Fact]
    public void AddedAndRemovedFiles_AreNamedWithACount()
    {
        RequiredTool.RequireRoot();
        string context = Context(_base);
        Assert.Equal(0, Imgbuild(context).Status);
        File.Delete(Path.Combine(context, "src", "b.c"));
        foreach (string name in new[] { "c.c", "d.c", "e.c" }) File.WriteAllText(Path.Combine(context, "src", name), name);

        var rebuild = Imgbuild("--progress", "plain", context);

        Assert.True(rebuild.Status == 0, rebuild.Err);
        Assert.Equal("context files changed: src/b.c (removed), src/c.c (added), src/d.c (added) and 1 more (4 files)",
            Assert.Single(Reasons(rebuild.Err, "COPY src /src")));
    }

    [Fact]
    public void ChangedBuildArg_NamedOnTheRunThatUsesIt()
    {
        RequiredTool.RequireRoot();
        string context = Context(_base);
        Assert.Equal(0, Imgbuild(context).Status);

        var rebuild = Imgbuild("--progress", "plain", "--build-arg", "VERSION=2", context);

        Assert.True(rebuild.Status == 0, rebuild.Err);
        Assert.Equal("build arg or env VERSION changed", Assert.Single(Reasons(rebuild.Err, "RUN echo 2 > /version")));
        Assert.StartsWith("an earlier step ran again: ", Assert.Single(Reasons(rebuild.Err, "COPY src /src")), StringComparison.Ordinal);
    }

    [Fact]
    public void NoCacheAndNoCacheFilter_AreTheReason()
    {
        RequiredTool.RequireRoot();
        string context = Context(_base);
        Assert.Equal(0, Imgbuild(context).Status);

        var noCache = Imgbuild("--progress", "plain", "--no-cache", context);
        var filtered = Imgbuild("--progress", "plain", "--no-cache-filter", "app", context);

        Assert.Equal("--no-cache", Assert.Single(Reasons(noCache.Err, "RUN echo 1 > /version")));
        Assert.Equal("--no-cache-filter app", Assert.Single(Reasons(filtered.Err, "RUN echo 1 > /version")));
    }

    [Fact]
    public void BaseImageMoved_NamesTheImageAndBothDigests()
    {
        RequiredTool.RequireRoot();
        // A base named in the local store is used from there (as docker build without --pull): rebuilding it under
        // the same name moves the tag, as a push to the registry would.
        string baseContext = TestContext.WithDockerfile(_root, $"FROM {_base}\nARG V\nRUN echo $V > /v\n");
        Assert.Equal(0, Imgbuild("--build-arg", "V=1", "-t", "moving:latest", baseContext).Status);
        string context = Context("moving:latest");
        Assert.Equal(0, Imgbuild(context).Status);
        Assert.Equal(0, Imgbuild("--build-arg", "V=2", "-t", "moving:latest", baseContext).Status);

        var rebuild = Imgbuild("--progress", "plain", context);

        Assert.True(rebuild.Status == 0, rebuild.Err);
        Assert.Matches("^base image .*moving:latest moved: sha256:[0-9a-f]{12} → sha256:[0-9a-f]{12}$",
            Assert.Single(Reasons(rebuild.Err, "RUN echo 1 > /version")));
    }

    [Fact]
    public void Explain_NoOpRebuild_SaysEveryStepIsCached()
    {
        RequiredTool.RequireRoot();
        string context = Context(_base);
        Assert.Equal(0, Imgbuild(context).Status);

        var explain = Imgbuild("--explain", context);

        Assert.True(explain.Status == 0, explain.Err);
        Assert.Contains("explain: every step is cached (4 steps)", explain.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(" miss: ", explain.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_AfterChanges_ListsEveryDifferenceAndBuildsNothing()
    {
        RequiredTool.RequireRoot();
        string context = Context(_base);
        Assert.Equal(0, Imgbuild(context).Status);
        File.WriteAllText(Path.Combine(context, "src", "b.c"), "int b = 2;\n");

        var explain = Imgbuild("--explain", "--build-arg", "VERSION=3", context);
        var build = Imgbuild("--progress", "plain", "--build-arg", "VERSION=3", context);

        Assert.True(explain.Status == 0, explain.Err);
        Assert.Equal(["build arg or env VERSION changed"], Reasons(explain.Out, "RUN echo 3 > /version"));
        List<string> copy = Reasons(explain.Out, "COPY src /src");
        Assert.Equal(2, copy.Count);
        Assert.StartsWith("an earlier step ran again: ", copy[0], StringComparison.Ordinal);
        Assert.Equal("context file changed: src/b.c (1 file)", copy[1]);
        Assert.Contains("explain: 3 of 4 steps would run", explain.Out, StringComparison.Ordinal);
        // --explain built nothing: the build after it still misses every step, for the same reasons.
        Assert.Equal("build arg or env VERSION changed", Assert.Single(Reasons(build.Err, "RUN echo 3 > /version")));
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
