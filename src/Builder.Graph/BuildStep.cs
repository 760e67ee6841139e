using System.Collections.Immutable;

namespace Builder.Graph;

/// <summary>
/// A node of the build graph: a filesystem produced from its <see cref="Inputs"/>. Its identity is its
/// <see cref="StepKey"/>, not record equality (records compare <see cref="ImmutableArray{T}"/> by reference).
/// The kinds are fixed (sources, <see cref="ExecStep"/>, <see cref="FileStep"/>): the solver must know how to
/// run each, so other assemblies cannot add one.
/// </summary>
public abstract record BuildStep
{
    private readonly ImmutableArray<BuildStep> _inputs = [];

    private protected BuildStep()
    {
    }

    /// <summary>The steps whose results this step reads; what each index means depends on the kind.</summary>
    public ImmutableArray<BuildStep> Inputs
    {
        get => _inputs;
        init => _inputs = value.IsDefault ? [] : value;
    }

    /// <summary>Where the step comes from, for errors and progress; not part of the <see cref="StepKey"/>.</summary>
    public StepOrigin? Origin { get; init; }

    /// <summary>The short kind name used in the key, the dot and the JSON output: <c>exec</c>, <c>file</c>, …</summary>
    internal abstract string Kind { get; }

    /// <summary>Writes every field that changes the result, in a fixed order (for the key and the JSON).</summary>
    internal abstract void WriteFields(IStepFieldWriter writer);

    /// <summary>A one-line human description for graph labels.</summary>
    internal abstract string Describe();

    /// <summary>What is wrong with the input indexes this step uses, or <see langword="null"/>.</summary>
    internal virtual string? InputProblem() => null;
}
