using System.Collections.Immutable;

namespace Builder.Graph;

/// <summary>
/// File operations applied in order to <c>Inputs[0]</c> (COPY, ADD, WORKDIR's mkdir, heredoc files); BuildKit's
/// <c>FileOp</c>. Further inputs are copy sources, referenced by <see cref="CopyAction.SourceInput"/>.
/// </summary>
/// <param name="Actions">The actions, applied in order, each to the result of the one before.</param>
public sealed record FileStep(ImmutableArray<FileAction> Actions) : BuildStep
{
    /// <summary>The actions, applied in order, each to the result of the one before.</summary>
    public ImmutableArray<FileAction> Actions { get; init; } = Actions.IsDefault ? [] : Actions;

    internal override string Kind => "file";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.BeginList("actions", Actions.Length);
        foreach (FileAction action in Actions)
        {
            writer.BeginItem(action.Kind);
            action.WriteFields(writer);
            writer.EndItem();
        }
        writer.EndList();
    }

    internal override string Describe() => string.Join("; ", Actions.Select(a => a.Describe()));

    internal override string? InputProblem()
    {
        if (Inputs.IsEmpty)
            return "a file step needs the filesystem it changes as input 0 (a ScratchStep for an empty one)";
        foreach (FileAction action in Actions)
        {
            if (action is CopyAction copy && (copy.SourceInput < 0 || copy.SourceInput >= Inputs.Length))
                return $"'{copy.Describe()}' copies from input {copy.SourceInput}, but the step has {Inputs.Length} inputs";
        }
        return null;
    }
}
