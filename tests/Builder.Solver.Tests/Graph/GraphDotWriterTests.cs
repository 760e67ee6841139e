using System.Diagnostics;
using Builder.Graph;

namespace Builder.Solver.Tests.Graph;

public class GraphDotWriterTests
{
    private static BuildGraph Graph(BuildStep step) => new(new BuildTarget("final", step, SampleGraphs.Config()));

    [Fact]
    public void Write_SharedInputBuiltTwice_OneNode()
    {
        // SampleGraphs.Build() creates alpine twice (the file step's base and the exec's root): one node.
        string dot = GraphDotWriter.Write(Graph(SampleGraphs.Build()));
        string alpine = StepKey.Of(SampleGraphs.Alpine()).ToString();
        Assert.Single(Lines(dot), l => l.StartsWith($"  \"{alpine}\" [", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_SameInputTwice_OneEdge()
    {
        ImageSourceStep alpine = SampleGraphs.Alpine();
        var exec = new ExecStep(["true"], [], "/", "") { Inputs = [alpine, alpine], Mounts = [new BindMount(1, "/", "/mnt")] };
        string dot = GraphDotWriter.Write(Graph(exec));
        Assert.Single(Lines(dot), l => l.Contains($"\"{StepKey.Of(alpine)}\" -> \"{StepKey.Of(exec)}\";", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_Graph_HasNodePerDistinctStepAndEdgePerInput()
    {
        string dot = GraphDotWriter.Write(Graph(SampleGraphs.Build()));
        // alpine, context, exec, file; plus the target.
        Assert.Equal(4, Lines(dot).Count(l => l.Contains(" [label=", StringComparison.Ordinal)));
        // alpine→exec, context→exec, alpine→file, exec→file, file→target.
        Assert.Equal(5, Lines(dot).Count(l => l.Contains(" -> ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Write_QuotesBackslashesAndNewlines_AreEscaped()
    {
        var exec = SampleGraphs.Run(SampleGraphs.Alpine(), "echo \"a\\b\"\nls");
        string dot = GraphDotWriter.Write(Graph(exec));
        string label = Assert.Single(Lines(dot), l => l.StartsWith($"  \"{StepKey.Of(exec)}\" [", StringComparison.Ordinal));
        Assert.Contains("exec\\n/bin/sh -c echo \\\"a\\\\b\\\" ls\\n", label);
    }

    [Fact]
    public void Write_LongDescription_IsShortened()
    {
        var exec = SampleGraphs.Run(SampleGraphs.Alpine(), new string('x', 500));
        Assert.DoesNotContain(new string('x', 100), GraphDotWriter.Write(Graph(exec)));
    }

    [Fact]
    public void Write_SameGraphTwice_SameText() =>
        Assert.Equal(GraphDotWriter.Write(Graph(SampleGraphs.Build())), GraphDotWriter.Write(Graph(SampleGraphs.Build())));

    [Fact]
    public async Task Write_Graph_RendersWithGraphviz()
    {
        var exec = SampleGraphs.Run(SampleGraphs.Alpine(), "echo \"quoted\" \\ back\\slash\nnext line é");
        string dot = GraphDotWriter.Write(Graph(new FileStep([new CopyAction(1, "/", "/")]) { Inputs = [SampleGraphs.Build(), exec] }));

        string? dotPath = FindOnPath("dot");
        if (dotPath is null)
            Assert.Fail("Graphviz 'dot' is not on PATH: run scripts/install-deps.sh (or apt-get install -y graphviz)");
        var start = new ProcessStartInfo(dotPath, "-Tsvg")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(dot);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        string svg = await output, stderr = await errors;
        Assert.True(process.ExitCode == 0, $"dot -Tsvg exited {process.ExitCode}: {stderr}\n{dot}");
        Assert.Contains("<svg", svg);
        Assert.Equal("", stderr);
    }

    private static string[] Lines(string text) => text.Split('\n');

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
