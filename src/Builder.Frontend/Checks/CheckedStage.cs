using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Checks;

/// <summary>
/// What the checks track of one stage while they walk it, as BuildKit's dispatchState does: the variables in scope
/// (the base image's ENV, the stage's ENV and ARG values), the ARGs declared, whether a WORKDIR or SHELL was set, and
/// the last CMD, ENTRYPOINT and HEALTHCHECK.
/// </summary>
internal sealed class CheckedStage(FromInstruction from, List<Instruction> commands)
{
    public FromInstruction From { get; } = from;

    public List<Instruction> Commands { get; } = commands;

    /// <summary>The stage's name, lower case as BuildKit keeps it, or "" when it has none.</summary>
    public string Name => From.StageName ?? string.Empty;

    /// <summary>The variables in scope, in the order they were set (the order BuildKit suggests names in).</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The ARGs the stage (or the stage it is built on) declared, with or without a value.</summary>
    public HashSet<string> DeclaredArgs { get; set; } = new(StringComparer.Ordinal);

    public bool WorkdirSet { get; set; }

    /// <summary>Whether the image has a SHELL (its base image's or the stage's own).</summary>
    public bool HasShell { get; set; }

    /// <summary>The stage is built on another stage: its index, or -1.</summary>
    public int BaseStage { get; set; } = -1;

    /// <summary>The stages its COPY --from and RUN --mount=from= read.</summary>
    public List<int> Dependencies { get; } = [];

    public bool Dispatched { get; set; }

    public InstructionSyntax? LastCmd { get; set; }

    public InstructionSyntax? LastEntrypoint { get; set; }

    public InstructionSyntax? LastHealthcheck { get; set; }

    /// <summary>Takes over what BuildKit's dispatchState.init copies from the base stage.</summary>
    public void InheritFrom(CheckedStage parent)
    {
        Environment = new Dictionary<string, string>(parent.Environment, StringComparer.Ordinal);
        DeclaredArgs = new HashSet<string>(parent.DeclaredArgs, StringComparer.Ordinal);
        WorkdirSet = parent.WorkdirSet;
        HasShell = parent.HasShell;
    }
}
