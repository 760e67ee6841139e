using System.Collections.Immutable;

namespace Builder.Graph;

/// <summary>What a frontend hands the solver: the targets to build; their steps form the graph.</summary>
/// <param name="Targets">The targets, usually one.</param>
public sealed record BuildGraph(ImmutableArray<BuildTarget> Targets)
{
    /// <summary>A graph with one target.</summary>
    public BuildGraph(BuildTarget target)
        : this([target])
    {
    }

    /// <summary>The targets, usually one.</summary>
    public ImmutableArray<BuildTarget> Targets { get; init; } = Targets.IsDefault ? [] : Targets;

    /// <summary>
    /// Every distinct step (by <see cref="StepKey"/>) once, inputs before the steps that read them, in a fixed
    /// order: depth first from the targets in order, inputs in index order. Iterative, so any depth is fine.
    /// </summary>
    public ImmutableArray<BuildStep> Steps()
    {
        var seen = new HashSet<StepKey>();
        var ordered = ImmutableArray.CreateBuilder<BuildStep>();
        var pending = new Stack<(BuildStep Step, int NextInput)>();
        foreach (BuildTarget target in Targets)
        {
            if (!seen.Add(StepKey.Of(target.Step)))
                continue;
            pending.Push((target.Step, 0));
            while (pending.Count > 0)
            {
                (BuildStep step, int next) = pending.Pop();
                if (next < step.Inputs.Length)
                {
                    pending.Push((step, next + 1));
                    BuildStep input = step.Inputs[next];
                    if (seen.Add(StepKey.Of(input)))
                        pending.Push((input, 0));
                    continue;
                }
                ordered.Add(step);
            }
        }
        return ordered.ToImmutable();
    }
}
