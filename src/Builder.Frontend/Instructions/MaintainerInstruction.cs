using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>MAINTAINER value</c>: the image's author (deprecated: use LABEL maintainer=…).</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Author">The author, unexpanded.</param>
public sealed record MaintainerInstruction(InstructionSyntax Syntax, string Author) : Instruction(Syntax)
{
    internal static MaintainerInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        if (syntax.Arguments.Length != 1)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs exactly one argument", "write MAINTAINER <name>, or better LABEL maintainer=<name>");
        }
        return new MaintainerInstruction(syntax, syntax.Arguments[0].Value);
    }
}
