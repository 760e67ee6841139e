using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>SHELL ["executable", "parameters"]</c>: the shell that runs the shell form of later commands.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Shell">The shell and its parameters.</param>
public sealed record ShellInstruction(InstructionSyntax Syntax, ImmutableArray<string> Shell) : Instruction(Syntax)
{
    internal static ShellInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        if (!syntax.IsJsonForm)
        {
            throw InstructionErrors.At(syntax, DiagnosticCodes.InvalidArgument, "SHELL needs its arguments in JSON form",
                "write SHELL [\"/bin/sh\", \"-c\"]");
        }
        if (syntax.Arguments.Length == 0)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs at least the shell executable", "write SHELL [\"/bin/sh\", \"-c\"]");
        }
        return new ShellInstruction(syntax, [.. syntax.Arguments.Select(a => a.Value)]);
    }
}
