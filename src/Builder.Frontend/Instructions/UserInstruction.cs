using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>USER value</c>: the user (and group) that later instructions and the container run as.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="User">user, uid, user:group or uid:gid, unexpanded.</param>
public sealed record UserInstruction(InstructionSyntax Syntax, string User) : Instruction(Syntax)
{
    internal static UserInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        if (syntax.Arguments.Length != 1)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs exactly one argument", "write USER <user>[:<group>]");
        }
        return new UserInstruction(syntax, syntax.Arguments[0].Value);
    }
}
