using Builder.Graph;

namespace Builder.Solver.Tests.Graph;

public class BuildGraphTests
{
    [Fact]
    public void Steps_Chain_InputsFirst()
    {
        var chain = SampleGraphs.Chain(10_000);
        var graph = new BuildGraph(new BuildTarget("0", chain[^1], SampleGraphs.Config()));
        Assert.True(chain.SequenceEqual<BuildStep, BuildStep>(graph.Steps(), ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public void Steps_TwoTargetsSharingSteps_EachStepOnce()
    {
        FileStep a = SampleGraphs.Build();
        FileStep b = SampleGraphs.Build() with { Actions = [new MkdirAction("/other")] };
        var graph = new BuildGraph([new BuildTarget("a", a, SampleGraphs.Config()), new BuildTarget("b", b, SampleGraphs.Config())]);
        // alpine, context, exec, a, b.
        Assert.Equal(5, graph.Steps().Length);
    }
}
