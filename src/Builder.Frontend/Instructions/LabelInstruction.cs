using System.Collections.Immutable;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>LABEL name=value…</c>: metadata of the image.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Labels">The names and values, unexpanded, in order.</param>
public sealed record LabelInstruction(InstructionSyntax Syntax, ImmutableArray<KeyValue> Labels) : Instruction(Syntax)
{
    internal static LabelInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        return new LabelInstruction(syntax, EnvInstruction.KeyValuePairs(syntax, "write LABEL <name>=<value>"));
    }
}
