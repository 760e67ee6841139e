using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>VOLUME path…</c> or <c>VOLUME ["path"]</c>: mount points of the container.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Paths">The paths, unexpanded.</param>
public sealed record VolumeInstruction(InstructionSyntax Syntax, ImmutableArray<string> Paths) : Instruction(Syntax)
{
    internal static VolumeInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        if (syntax.Arguments.Length == 0)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs at least one path", "write VOLUME /data");
        }
        foreach (SyntaxWord word in syntax.Arguments)
        {
            if (word.Value.Trim().Length == 0)
            {
                throw InstructionErrors.At(syntax, word, DiagnosticCodes.InvalidArgument, "VOLUME paths cannot be empty",
                    "remove the empty string from the list");
            }
        }
        return new VolumeInstruction(syntax, [.. syntax.Arguments.Select(a => a.Value)]);
    }
}
