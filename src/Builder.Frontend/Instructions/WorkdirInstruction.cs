using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>WORKDIR value</c>: the working directory of later instructions and of the container.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Path">The directory (relative paths resolve against the previous WORKDIR), unexpanded.</param>
public sealed record WorkdirInstruction(InstructionSyntax Syntax, string Path) : Instruction(Syntax)
{
    internal static WorkdirInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        if (syntax.Arguments.Length != 1)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs exactly one argument", "write WORKDIR <path>");
        }
        return new WorkdirInstruction(syntax, syntax.Arguments[0].Value);
    }
}
