namespace Builder.Cli.Tests.CommandLine;

/// <summary>
/// A mistyped flag or command is an error naming it, with the nearest valid one, as docker's CLI reports it; never a
/// context path (issue 15: `imgbuild build --load -t x .` said "'.' was not matched").
/// </summary>
public sealed class UnknownInputTests : IDisposable
{
    private readonly string _temporary = Directory.CreateTempSubdirectory("imgbuild-unknown-").FullName;

    public void Dispose() => Directory.Delete(_temporary, recursive: true);

    private (int Status, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int status = ImgbuildCommand.Run(["--root", Path.Combine(_temporary, "store"), .. args], stdout, stderr);
        return (status, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Build_MadeUpFlag_IsAnUnknownFlagError_NotAContext()
    {
        var (status, _, error) = Run("build", "--frobnicate", "-t", "x", ".");
        Assert.Equal(1, status);
        Assert.StartsWith("imgbuild: unknown flag: --frobnicate\n", error, StringComparison.Ordinal);
        Assert.Contains("see 'imgbuild build --help'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not matched", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FlagWithValueAttached_NamesTheFlagOnly()
    {
        var (status, _, error) = Run("-t", "x", "--frobnicate=3", ".");
        Assert.Equal(1, status);
        Assert.StartsWith("imgbuild: unknown flag: --frobnicate\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MisspeltFlag_SuggestsTheNearestFlag()
    {
        var (status, _, error) = Run("build", "--no-cahce", ".");
        Assert.Equal(1, status);
        Assert.Contains("unknown flag: --no-cahce", error, StringComparison.Ordinal);
        Assert.Contains("did you mean --no-cache?", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_MadeUpFlag_IsAnUnknownFlagError()
    {
        var (status, _, error) = Run("images", "--frobnicate");
        Assert.Equal(1, status);
        Assert.StartsWith("imgbuild: unknown flag: --frobnicate\n", error, StringComparison.Ordinal);
        Assert.Contains("'imgbuild images --help'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MistypedCommand_IsAnUnknownCommandError_WithTheNearestCommand()
    {
        var (status, _, error) = Run("imgaes");
        Assert.Equal(1, status);
        Assert.StartsWith("imgbuild: unknown command \"imgaes\"", error, StringComparison.Ordinal);
        Assert.Contains("did you mean images?", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Dockerfile", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownWordFarFromEveryCommand_ListsTheCommands()
    {
        var (status, _, error) = Run("frobnicate");
        Assert.Equal(1, status);
        Assert.Contains("unknown command \"frobnicate\"", error, StringComparison.Ordinal);
        Assert.Contains("the commands are parse, graph, images", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ExistingDirectoryAsFirstWord_IsStillAContextToBuild()
    {
        // A directory named like a mistyped command is built: the path exists, so it is a context.
        string context = Directory.CreateDirectory(Path.Combine(_temporary, "imgaes")).FullName;
        var (status, _, error) = Run(context);
        Assert.Equal(1, status);
        Assert.DoesNotContain("unknown command", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(context, "Dockerfile"), error, StringComparison.Ordinal);
    }
}
