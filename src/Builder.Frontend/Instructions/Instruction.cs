using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary>
/// A checked, typed Dockerfile instruction. Values are as written (variables not yet expanded: that needs the
/// stage's ARG and ENV state and happens in conversion); <see cref="Syntax"/> keeps the words and their spans.
/// </summary>
public abstract record Instruction(InstructionSyntax Syntax)
{
    /// <summary>The instruction name in upper case (RUN, COPY...).</summary>
    public string Name => Syntax.Name;
}
