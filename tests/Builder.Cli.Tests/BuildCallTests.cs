namespace Builder.Cli.Tests;

/// <summary>
/// <c>build --check</c> and <c>build --call check|targets|outline</c>, buildx's subrequests: they print a report
/// and build nothing. The Dockerfiles start FROM scratch, so no registry is needed.
/// </summary>
public sealed class BuildCallTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-call-").FullName;
    private readonly string _context;

    public BuildCallTests() => _context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int Status, string Out, string Err) Build(string dockerfile, params string[] args)
    {
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), dockerfile);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int status = ImgbuildCommand.Run(["build", "--root", Path.Combine(_root, "store"), .. args, _context], stdout, stderr,
            CliEnvironment.With(new Dictionary<string, string?>()));
        return (status, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Check_Warnings_PrintsBuildxReportAndExitsOne()
    {
        var (status, output, _) = Build("FROM scratch AS Upper\nMAINTAINER x\n", "--check");
        Assert.Equal(1, status);
        Assert.Equal("""
            Check complete, 2 warnings have been found!

            WARNING: StageNameCasing - https://docs.docker.com/go/dockerfile/rule/stage-name-casing/
            Stage name 'Upper' should be lowercase
            Dockerfile:1
            --------------------
               1 | >>> FROM scratch AS Upper
               2 |     MAINTAINER x
               3 |     
            --------------------

            WARNING: MaintainerDeprecated - https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/
            Maintainer instruction is deprecated in favor of using label
            Dockerfile:2
            --------------------
               1 |     FROM scratch AS Upper
               2 | >>> MAINTAINER x
               3 |     
            --------------------

            """.ReplaceLineEndings("\n"), output);
    }

    [Fact]
    public void Check_NoWarnings_SaysSoAndExitsZero()
    {
        var (status, output, _) = Build("FROM scratch\nCOPY --link a /a\n", "--call", "check");
        Assert.Equal(0, status);
        Assert.Equal("Check complete, no warnings found.\n", output);
    }

    [Fact]
    public void Check_Skipped_RuleNotReported()
    {
        var (status, output, _) = Build("# check=skip=MaintainerDeprecated\nFROM scratch\nMAINTAINER x\n", "--check");
        Assert.Equal(0, status);
        Assert.Equal("Check complete, no warnings found.\n", output);
    }

    [Fact]
    public void Check_ErrorTrue_ReportsLintViolationError()
    {
        var (status, output, error) = Build("# check=error=true\nFROM scratch\nMAINTAINER x\n", "--check");
        Assert.Equal(1, status);
        Assert.StartsWith("Check complete, 1 warning has been found!", output);
        Assert.Contains("error IB1022: lint violation found for rules: MaintainerDeprecated", error);
    }

    [Fact]
    public void Check_Json_PrintsLintResult()
    {
        var (status, output, _) = Build("FROM scratch\nENV A 1\n", "--call", "check,format=json");
        Assert.Equal(1, status);
        Assert.Contains("\"ruleName\": \"LegacyKeyValueFormat\"", output);
        Assert.Contains("\"detail\": \"\\u0022ENV key=value\\u0022 should be used instead of legacy \\u0022ENV key value\\u0022 format\"", output);
        Assert.DoesNotContain("Check complete", output);
    }

    [Fact]
    public void Check_Target_ChecksOnlyTheStagesItReaches()
    {
        const string dockerfile = "FROM scratch AS unused\nWORKDIR rel\nFROM scratch AS used\nWORKDIR rel2\n";
        Assert.Contains("\"rel2\"", Build(dockerfile, "--check", "--target", "used").Out);
        Assert.DoesNotContain("\"rel\"", Build(dockerfile, "--check", "--target", "used").Out);
        Assert.Contains("\"rel\"", Build(dockerfile, "--check").Out);
    }

    [Fact]
    public void Targets_ListsStagesWithDescriptions()
    {
        var (status, output, _) = Build("# base the starting point\nFROM scratch AS base\nFROM base\n# release ships it\nFROM base AS release\n", "--call", "targets");
        Assert.Equal(0, status);
        // As the reference BuildKit's frontend.targets printed it (tabwriter, one space after the widest name).
        Assert.Equal("TARGET            DESCRIPTION\nbase              the starting point\n                  \nrelease (default) ships it\n", output);
    }

    private static string Golden(string name) => File.ReadAllText(Path.Combine(Root(), "testdata", "outline", name));

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Builder.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("no Builder.sln above the test binaries");
    }

    [Fact]
    public void Outline_LastStage_SameAsBuildKit()
    {
        var (status, output, _) = Build(Golden("Dockerfile"), "--call", "outline");
        Assert.Equal(0, status);
        Assert.Equal(Golden("outline.txt"), output);
    }

    [Fact]
    public void Outline_TargetAndBuildArg_SameAsBuildKit()
    {
        var (status, output, _) = Build(Golden("Dockerfile"), "--call", "outline", "--target", "base", "--build-arg", "GOOS=darwin");
        Assert.Equal(0, status);
        Assert.Equal(Golden("outline-base.txt"), output);
    }

    [Fact]
    public void Targets_Golden_SameAsBuildKit()
    {
        var (status, output, _) = Build(Golden("Dockerfile"), "--call", "targets");
        Assert.Equal(0, status);
        Assert.Equal(Golden("targets.txt"), output);
    }
}
