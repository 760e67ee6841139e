using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>STOPSIGNAL value</c>: the signal that stops the container.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Signal">A signal name (SIGTERM) or number, unexpanded.</param>
public sealed record StopSignalInstruction(InstructionSyntax Syntax, string Signal) : Instruction(Syntax)
{
    internal static StopSignalInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        if (syntax.Arguments.Length != 1)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs exactly one argument", "write STOPSIGNAL <signal>, for example: STOPSIGNAL SIGTERM");
        }
        return new StopSignalInstruction(syntax, syntax.Arguments[0].Value);
    }
}
