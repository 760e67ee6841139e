using System.Collections.Immutable;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>EXPOSE port[/protocol]…</c>: ports the container listens on.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Ports">The port words, unexpanded (checked after expansion).</param>
public sealed record ExposeInstruction(InstructionSyntax Syntax, ImmutableArray<string> Ports) : Instruction(Syntax)
{
    internal static ExposeInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        if (syntax.Arguments.Length == 0)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs at least one port", "write EXPOSE 8080 or EXPOSE 53/udp");
        }
        return new ExposeInstruction(syntax, [.. syntax.Arguments.Select(a => a.Value)]);
    }
}
