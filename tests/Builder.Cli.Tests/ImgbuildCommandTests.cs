using System.CommandLine;
using Builder.Cli.Commands;

namespace Builder.Cli.Tests;

public sealed class ImgbuildCommandTests : IDisposable
{
    private readonly string _temporary = Directory.CreateTempSubdirectory("imgbuild-cli-test-").FullName;

    public void Dispose() => Directory.Delete(_temporary, recursive: true);

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Builder.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("no Builder.sln above the test binaries");
    }

    private static (int Status, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int status = ImgbuildCommand.Run(args, stdout, stderr);
        return (status, stdout.ToString(), stderr.ToString());
    }

    private string WriteDockerfile(string text)
    {
        string path = Path.Combine(_temporary, Guid.NewGuid().ToString("N"), "Dockerfile");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Parse_GoodDockerfile_PrintsBuildKitDump()
    {
        var (status, output, _) = Run("parse", "-f", WriteDockerfile("FROM alpine\nRUN echo hi\n"));
        Assert.Equal(0, status);
        Assert.Equal("(from \"alpine\")\n(run \"echo hi\")\n", output);
    }

    [Fact]
    public void Parse_Json_PrintsInstructions()
    {
        var (status, output, _) = Run("parse", "--json", "-f", WriteDockerfile("FROM alpine\nCOPY --link a /b\n"));
        Assert.Equal(0, status);
        Assert.Contains("\"instruction\": \"COPY\"", output);
        Assert.Contains("\"--link\"", output);
    }

    [Fact]
    public void Parse_BadDockerfile_PrintsLocatedErrorWithCaretAndExitsOne()
    {
        string path = WriteDockerfile("FROM alpine\nCOPY app.dll\n");
        var (status, _, error) = Run("parse", "-f", path);
        Assert.Equal(1, status);
        string[] lines = error.Split('\n');
        Assert.Equal($"{path}:2:6: error IB1007: COPY needs a source and a destination, got only 'app.dll'", lines[0]);
        Assert.Equal("   2 | COPY app.dll", lines[1]);
        Assert.Equal("     |      ^^^^^^^", lines[2]);
        Assert.StartsWith("  hint: add the destination", lines[3]);
    }

    [Fact]
    public void Parse_MissingFile_ExitsOneWithMessage()
    {
        var (status, _, error) = Run("parse", "-f", "/nonexistent/Dockerfile");
        Assert.Equal(1, status);
        Assert.Contains("cannot read Dockerfile", error);
    }

    [Fact]
    public async Task Graph_CancelledInvocation_PrintsNoGraph()
    {
        // The action is asynchronous and converts with the invocation's token, instead of blocking on the converter.
        string sample = Path.Combine(Root(), "testdata", "dockerfiles", "multistage");
        var stdout = new StringWriter();
        var root = new RootCommand { GraphCommand.Create(stdout, TextWriter.Null, CliEnvironment.Process) };
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        int status = await root.Parse(["graph", "-f", Path.Combine(sample, "Dockerfile"), Path.Combine(sample, "context")])
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = TextWriter.Null }, cancel.Token);

        Assert.Equal("", stdout.ToString());
        Assert.NotEqual(0, status);
    }

    [Fact]
    public void Graph_SampleDockerfile_LeavesOutUnusedStage()
    {
        string sample = Path.Combine(Root(), "testdata", "dockerfiles", "multistage");
        var (status, output, error) = Run("graph", "-f", Path.Combine(sample, "Dockerfile"), Path.Combine(sample, "context"));
        Assert.True(status == 0, error);
        Assert.StartsWith("digraph", output);
        Assert.Contains("echo building", output);
        Assert.DoesNotContain("never built", output);
    }

    [Fact]
    public void Graph_BuildArgAndTarget_AreApplied()
    {
        string path = WriteDockerfile("ARG V=1\nFROM alpine AS a\nARG V\nRUN echo $V\nFROM alpine AS b\n");
        var (status, output, _) = Run("graph", "--format", "json", "--target", "a", "--build-arg", "V=2", "-f", path, Path.GetDirectoryName(path)!);
        Assert.Equal(0, status);
        Assert.Contains("V=2", output);
    }

    [Fact]
    public void Graph_UnknownCopyFromStage_ExitsOne()
    {
        string path = WriteDockerfile("FROM alpine\nCOPY --from=Nope /a /b\n");
        var (status, _, error) = Run("graph", "-f", path, Path.GetDirectoryName(path)!);
        Assert.Equal(1, status);
        Assert.Contains("IB1014", error);
    }

    [Fact]
    public void Build_UnknownEntitlementInAllow_ExitsNamingIt()
    {
        string path = WriteDockerfile("FROM scratch\n");

        var (status, _, error) = Run("build", "--allow", "security.insecure,device", "-f", path, Path.GetDirectoryName(path)!);

        Assert.NotEqual(0, status);
        Assert.Contains("unknown entitlement 'device' in --allow", error);
    }

    [Fact]
    public void Graph_5000ChainedStages_PrintsEveryStep()
    {
        // Issue 14: this used to end the process with a stack overflow, and no message.
        var text = new System.Text.StringBuilder("FROM scratch AS s0\nCOPY f /f0\n");
        for (int i = 1; i < 5_000; i++) text.Append($"FROM scratch AS s{i}\nCOPY --from=s{i - 1} /f{i - 1} /f{i}\n");
        string path = WriteDockerfile(text.ToString());

        var (status, output, error) = Run("graph", "--format", "json", "-f", path, Path.GetDirectoryName(path)!);

        Assert.True(status == 0, error);
        Assert.Contains("/f4999", output);
    }

    [Fact]
    public void Graph_5000RelativeWorkdirs_ExitsOneWithTheLocatedLimitError()
    {
        string path = WriteDockerfile("FROM scratch\n" + string.Concat(Enumerable.Range(0, 5_000).Select(i => $"WORKDIR d{i % 10}\n")));

        var (status, _, error) = Run("graph", "-f", path, Path.GetDirectoryName(path)!);

        // "/dN" is 3 bytes: the first WORKDIR past 4095 bytes is the 1366th, on line 1367.
        int line = Enumerable.Range(1, 5_000).First(n => 3 * n > 4095) + 1;
        Assert.Equal(1, status);
        Assert.Contains($"Dockerfile:{line}:", error);
        Assert.Contains("IB1020", error);
        Assert.Contains("PATH_MAX", error);
        Assert.Contains("hint:", error);
    }

    [Fact]
    public void Graph_DotOutput_RendersWithGraphviz()
    {
        string sample = Path.Combine(Root(), "testdata", "dockerfiles", "multistage");
        var (_, output, _) = Run("graph", "-f", Path.Combine(sample, "Dockerfile"), Path.Combine(sample, "context"));
        var start = new System.Diagnostics.ProcessStartInfo("dot", "-Tsvg") { RedirectStandardInput = true, RedirectStandardOutput = true };
        System.Diagnostics.Process dot;
        try
        {
            dot = System.Diagnostics.Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("graphviz 'dot' is not installed: run scripts/install-deps.sh (apt-get install graphviz)");
        }
        dot.StandardInput.Write(output);
        dot.StandardInput.Close();
        string svg = dot.StandardOutput.ReadToEnd();
        dot.WaitForExit();
        Assert.Equal(0, dot.ExitCode);
        Assert.Contains("<svg", svg);
    }
}
