using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>CMD</c>: the default command of the image.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Command">The command, exec or shell form (may be empty: <c>CMD []</c>).</param>
public sealed record CmdInstruction(InstructionSyntax Syntax, CommandLine Command) : Instruction(Syntax)
{
    internal static CmdInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        return new CmdInstruction(syntax, CommandLine.From(syntax));
    }
}
