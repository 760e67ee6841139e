using Builder.Cli.Output;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Solver.Progress;

namespace Builder.Cli.Tests;

/// <summary>
/// Bad input on the command line or in the Dockerfile: each gives one line naming what is wrong and where, a non-zero
/// status and no stack trace; nothing that is not a regular file is read as a Dockerfile or secret, and what the
/// Dockerfile holds reaches the terminal with its control characters escaped.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-bad-input-").FullName;
    private readonly string _context;

    public BadInputTests()
    {
        _context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\nCOPY a /a\n");
        File.WriteAllText(Path.Combine(_context, "a"), "a\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int Status, string Out, string Err) Build(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int status = ImgbuildCommand.Run(["build", "--root", Path.Combine(_root, "store"), "--progress", "quiet", .. args, _context], stdout, stderr,
            CliEnvironment.With(new Dictionary<string, string?>()));
        return (status, stdout.ToString(), stderr.ToString());
    }

    private static void AssertOneLine(string expected, (int Status, string Out, string Err) run)
    {
        Assert.NotEqual(0, run.Status);
        Assert.Equal(expected + "\n", run.Err);
    }

    [Fact]
    public void Build_LoadWithALocalOutput_OneLineAsBuildx()
    {
        // buildx's words: --load is --output type=docker, which cannot go with another type.
        AssertOneLine("imgbuild: load and \"local\" output can't be used together", Build("--load", "-o", $"type=local,dest={Path.Combine(_root, "out")}"));
    }

    [Fact]
    public void Build_BuildArgWithoutName_OneLineNamingIt()
    {
        AssertOneLine("imgbuild: --build-arg '=v' has no name: write --build-arg NAME=VALUE", Build("--build-arg", "=v"));
    }

    [Fact]
    public void Build_DockerfileIsADirectory_OneLineNamingIt()
    {
        string directory = Directory.CreateDirectory(Path.Combine(_root, "dockerfile-dir")).FullName;
        AssertOneLine($"imgbuild: cannot read Dockerfile '{directory}': it is a directory, not a regular file", Build("-f", directory));
    }

    [Fact]
    public void Build_DockerfileIsADevice_RefusedWithoutReadingIt()
    {
        AssertOneLine("imgbuild: cannot read Dockerfile '/dev/zero': it is a character device, not a regular file", Build("-f", "/dev/zero"));
    }

    [Fact]
    public void Build_DockerfileOver16MiB_RefusedAsBuildKitDoes()
    {
        string big = Path.Combine(_root, "Dockerfile.big");
        using (FileStream file = File.Create(big)) file.SetLength(16L * 1024 * 1024 + 1);
        AssertOneLine($"imgbuild: cannot read Dockerfile '{big}': it is larger than 16 MiB (16777217 bytes), BuildKit's limit", Build("-f", big));
    }

    [Fact]
    public void Build_EndlessDockerfileOnStandardInput_StopsAt16MiB()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        // An endless reader: without the cap the build would read it until memory ran out.
        var environment = new CliEnvironment(Environment.GetEnvironmentVariable, () => Stream.Null, () => new EndlessReader());
        int status = ImgbuildCommand.Run(["build", "--root", Path.Combine(_root, "store"), "-f", "-", _context], stdout, stderr, environment);
        AssertOneLine("imgbuild: cannot read the Dockerfile from standard input: it is larger than 16 MiB, BuildKit's limit", (status, stdout.ToString(), stderr.ToString()));
    }

    [Fact]
    public void Build_SecretSourceIsADirectory_OneLineNamingIt()
    {
        AssertOneLine("imgbuild: --secret 'id=x,src=/tmp': /tmp is a directory; src= names a file", Build("--secret", "id=x,src=/tmp"));
    }

    [Fact]
    public void Parse_DockerfileWithEscapeSequences_PrintsThemEscaped()
    {
        string dockerfile = Path.Combine(_root, "Dockerfile.escapes");
        File.WriteAllText(dockerfile, "FROM scratch\nCOPY \u001b]0;pwned\u0007\u001b[2J\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int status = ImgbuildCommand.Run(["parse", "-f", dockerfile], stdout, stderr);

        Assert.Equal(1, status);
        Assert.DoesNotContain('\u001b', stderr.ToString());
        Assert.Contains(@"COPY \x1b]0;pwned\x07\x1b[2J", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnostic_ControlCharactersBeforeTheSpan_CaretStaysUnderIt()
    {
        var written = new StringWriter();
        var diagnostic = new DockerfileDiagnostic(DiagnosticCodes.UnknownFlag, new SourceSpan("Dockerfile", 1, 8, 1, 12), "RUN \u001b[ --bad", "unknown flag", null);

        new PlainProgress(written).Diagnostic(diagnostic, "RUN \u001b[ --bad\n");

        Assert.Equal("Dockerfile:1:8: error IB1008: unknown flag\n   1 | RUN \\x1b[ --bad\n     |           ^^^^^\n", written.ToString());
    }

    [Fact]
    public void Plain_StepNameAndMessageWithControlCharacters_PrintedEscaped()
    {
        var written = new StringWriter();
        var plain = new PlainProgress(written);
        var step = new ScratchStep { Origin = new StepOrigin("Dockerfile", 2, 2, "WORKDIR /\u001b]0;pwned\u0007") };

        plain.Started(step, StepKey.Of(step));
        plain.Message(BuildMessage.Warning("value '\u009b2J' ignored"));

        Assert.Equal("#1 [2] WORKDIR /\\x1b]0;pwned\\x07\n#1 ...\nimgbuild: warning: value '\\x9b2J' ignored\n", written.ToString());
    }

    [Fact]
    public void Tty_StepNameWithControlCharacters_DrawnEscaped()
    {
        var written = new StringWriter();
        var step = new ScratchStep { Origin = new StepOrigin("Dockerfile", 2, 2, "WORKDIR /\u001b[2J") };
        using (var tty = new TtyProgress(written, 80))
        {
            tty.Started(step, StepKey.Of(step));
            tty.Finished(step, StepKey.Of(step), TimeSpan.Zero);
        }

        // The region's own cursor moves are the only escape sequences: the step's is shown, not obeyed.
        string text = written.ToString();
        Assert.Contains(@" => [2] WORKDIR /\x1b[2J", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2J", text, StringComparison.Ordinal);
    }

    private sealed class EndlessReader : TextReader
    {
        public override int Read(char[] buffer, int index, int count)
        {
            Array.Fill(buffer, 'x', index, count);
            return count;
        }

        public override int Read() => 'x';
    }
}
