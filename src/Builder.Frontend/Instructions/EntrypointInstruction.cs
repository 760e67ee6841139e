using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>ENTRYPOINT</c>: the command the image runs, to which CMD gives arguments.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Command">The command, exec or shell form (may be empty: <c>ENTRYPOINT []</c>).</param>
public sealed record EntrypointInstruction(InstructionSyntax Syntax, CommandLine Command) : Instruction(Syntax)
{
    internal static EntrypointInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        return new EntrypointInstruction(syntax, CommandLine.From(syntax));
    }
}
