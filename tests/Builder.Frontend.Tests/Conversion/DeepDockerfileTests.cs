using System.Text;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Builder.Graph;

namespace Builder.Frontend.Tests.Conversion;

/// <summary>
/// Issue 14: thousands of chained stages used to overflow the stack (conversion recursed once per stage), and a
/// FROM chain copied every parent's history. These convert deep Dockerfiles and check the whole chain is there;
/// speed is shown by scripts/bench-conversion.sh, not asserted.
/// </summary>
public sealed class DeepDockerfileTests
{
    private static Task<BuildGraph> Convert(string dockerfile) =>
        DockerfileConverter.ConvertAsync(DockerfileParser.Parse(dockerfile), new ConversionOptions(), new EmptyImageConfigResolver());

    /// <summary>Stage s0 FROM scratch, then s1…s{n-1}, each reading the one before with <paramref name="line"/>.</summary>
    private static string Chain(int stages, Func<int, string> line, bool fromPrevious = false)
    {
        var text = new StringBuilder("FROM scratch AS s0\nCOPY f /f0\n");
        for (int i = 1; i < stages; i++)
            text.Append(fromPrevious ? $"FROM s{i - 1} AS s{i}\n" : $"FROM scratch AS s{i}\n").Append(line(i)).Append('\n');
        return text.ToString();
    }

    private static string Workdirs(int count)
    {
        var text = new StringBuilder("FROM scratch\n");
        for (int i = 0; i < count; i++) text.Append("WORKDIR d").Append(i % 10).Append('\n');
        return text.ToString();
    }

    // The longest path of inputs from the target down, walked without recursion.
    private static int Depth(BuildStep target)
    {
        var depth = new Dictionary<BuildStep, int>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(BuildStep Step, bool InputsDone)>([(target, false)]);
        while (pending.Count > 0)
        {
            (BuildStep step, bool inputsDone) = pending.Pop();
            if (depth.ContainsKey(step)) continue;
            if (!inputsDone)
            {
                pending.Push((step, true));
                foreach (BuildStep input in step.Inputs) pending.Push((input, false));
                continue;
            }
            depth[step] = 1 + step.Inputs.Select(i => depth[i]).DefaultIfEmpty(0).Max();
        }
        return depth[target];
    }

    [Fact]
    public async Task Convert_5000StagesChainedByCopyFrom_ConvertsEveryStage()
    {
        BuildGraph graph = await Convert(Chain(5_000, i => $"COPY --from=s{i - 1} /f{i - 1} /f{i}"));

        // Each COPY reads the one of the stage before: scratch, then one step per stage.
        Assert.Equal(5_000 + 1, Depth(graph.Targets[0].Step));
        Assert.Equal(5_000, graph.Steps().OfType<FileStep>().Count());
    }

    [Fact]
    public async Task Convert_5000StagesChainedByRunMountFrom_ConvertsEveryStage()
    {
        BuildGraph graph = await Convert(Chain(5_000, i => $"RUN --mount=from=s{i - 1},target=/p true"));

        Assert.Equal(5_000 - 1, graph.Steps().OfType<ExecStep>().Count());
        Assert.Equal(5_000 + 1, Depth(graph.Targets[0].Step));
    }

    [Fact]
    public async Task Convert_16000StagesChainedByFrom_KeepsEveryStagesHistory()
    {
        BuildGraph graph = await Convert(Chain(16_000, _ => "RUN true", fromPrevious: true));

        Assert.Equal(16_000 - 1, graph.Steps().OfType<ExecStep>().Count());
        // COPY in s0, then one RUN per stage: the target's config carries all of them.
        Assert.Equal(16_000, graph.Targets[0].Config.History.Length);
    }

    [Fact]
    public async Task Convert_StagesInACycleThroughFrom_IsACircularDependencyError()
    {
        var error = await Assert.ThrowsAsync<DockerfileException>(() => Convert("FROM c AS a\nFROM a AS b\nFROM b AS c\n"));

        Assert.Equal(DiagnosticCodes.InvalidStage, error.Diagnostic.Code);
        Assert.Contains("circular dependency", error.Diagnostic.Message);
    }

    [Fact]
    public async Task Convert_1000RelativeWorkdirs_NestsThemAll()
    {
        BuildGraph graph = await Convert(Workdirs(1_000));

        string expected = string.Concat(Enumerable.Range(0, 1_000).Select(i => $"/d{i % 10}"));
        Assert.Equal(expected, graph.Targets[0].Config.Config.WorkingDir);
    }

    [Fact]
    public async Task Convert_5000RelativeWorkdirs_FailsAtTheFirstWorkdirLongerThanPathMax()
    {
        var error = await Assert.ThrowsAsync<DockerfileException>(() => Convert(Workdirs(5_000)));

        // Each WORKDIR adds "/dN", 3 bytes: the first to pass PATH_MAX less its NUL is on this line (FROM is line 1).
        int firstTooLong = Enumerable.Range(1, 5_000).First(n => 3 * n > 4095);
        Assert.Equal(DiagnosticCodes.LimitExceeded, error.Diagnostic.Code);
        Assert.Equal(firstTooLong + 1, error.Diagnostic.Span.StartLine);
        Assert.Contains("PATH_MAX", error.Diagnostic.Message);
        Assert.NotNull(error.Diagnostic.Hint);
    }

    // A reference written with a variable is only known while converting, so those stages nest.
    private static string VariableChain(int stages) =>
        Chain(stages, i => $"ARG PREVIOUS=s{i - 1}\nCOPY --from=${{PREVIOUS}} /f{i - 1} /f{i}");

    [Fact]
    public async Task Convert_StagesChainedByVariablesWithinTheLimit_Convert()
    {
        BuildGraph graph = await Convert(VariableChain(DockerfileConverter.MaxNestedStages));

        Assert.Equal(DockerfileConverter.MaxNestedStages + 1, Depth(graph.Targets[0].Step));
    }

    [Fact]
    public async Task Convert_StagesChainedByVariablesPastTheLimit_FailsWithTheLimitError()
    {
        var error = await Assert.ThrowsAsync<DockerfileException>(() => Convert(VariableChain(DockerfileConverter.MaxNestedStages + 2)));

        Assert.Equal(DiagnosticCodes.LimitExceeded, error.Diagnostic.Code);
        Assert.Contains($"more than {DockerfileConverter.MaxNestedStages} stages", error.Diagnostic.Message);
        Assert.Contains("without variables", error.Diagnostic.Hint);
    }
}
