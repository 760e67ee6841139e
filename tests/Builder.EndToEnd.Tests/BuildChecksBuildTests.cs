using Builder.Testing;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// Build checks in a real build, as BuildKit and buildx give them: every build shows the rules that fired (in the
/// progress, then buildx's summary), and <c># check=error=true</c> fails the build.
/// </summary>
public sealed class BuildChecksBuildTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-checks-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int Status, string Out, string Err) Build(string dockerfile, string progress)
    {
        string context = TestContext.WithDockerfile(_root, dockerfile);
        File.WriteAllText(Path.Combine(context, "a"), "a\n");
        return InProcessImgbuild.Run(["--progress", progress, "--root", Path.Combine(_root, "store"), context]);
    }

    [Fact]
    public void Build_RulesFire_WarnsInProgressAndSummaryAndSucceeds()
    {
        RequiredTool.RequireRoot();
        var build = Build("FROM scratch AS Upper\nCOPY a /a\nENV X=$Y\n", "plain");
        Assert.True(build.Status == 0, build.Err);
        Assert.Contains("imgbuild: warning: StageNameCasing: Stage name 'Upper' should be lowercase (line 1)\n", build.Err);
        Assert.Contains("imgbuild: warning: UndefinedVar: Usage of undefined variable '$Y' (line 3)\n", build.Err);
        Assert.Contains("\n 2 warnings found:\n - StageNameCasing: Stage name 'Upper' should be lowercase (line 1)\n", build.Err);
        Assert.Contains("More info: https://docs.docker.com/go/dockerfile/rule/undefined-var/\n", build.Err);
        Assert.StartsWith("sha256:", build.Out);
    }

    [Fact]
    public void Build_Quiet_NoSummary()
    {
        RequiredTool.RequireRoot();
        var build = Build("FROM scratch AS Upper\nCOPY a /a\n", "quiet");
        Assert.True(build.Status == 0, build.Err);
        Assert.DoesNotContain("warnings found", build.Err);
    }

    [Fact]
    public void Build_CheckErrorTrue_FailsAtTheFirstWarning()
    {
        RequiredTool.RequireRoot();
        var build = Build("# check=error=true\nFROM scratch\nCOPY a /a\nMAINTAINER me\n", "plain");
        Assert.Equal(1, build.Status);
        Assert.Contains(":4:1: error IB1022: lint violation found for rules: MaintainerDeprecated\n", build.Err);
        Assert.Equal("", build.Out);
    }

    [Fact]
    public void Build_CheckSkipAll_NoWarnings()
    {
        RequiredTool.RequireRoot();
        var build = Build("# check=skip=all\nFROM scratch AS Upper\nCOPY a /a\nMAINTAINER me\n", "plain");
        Assert.True(build.Status == 0, build.Err);
        Assert.DoesNotContain("warning", build.Err);
    }
}
