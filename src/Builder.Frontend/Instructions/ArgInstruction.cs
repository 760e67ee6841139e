using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>ARG name[=default]…</c>: build arguments the build may set with <c>--build-arg</c>.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Declarations">The declared names, in order.</param>
public sealed record ArgInstruction(InstructionSyntax Syntax, ImmutableArray<ArgDeclaration> Declarations) : Instruction(Syntax)
{
    internal static ArgInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        if (syntax.Arguments.Length == 0)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs at least one name", "write ARG <name>[=<default>]");
        }
        var declarations = ImmutableArray.CreateBuilder<ArgDeclaration>(syntax.Arguments.Length);
        foreach (SyntaxWord word in syntax.Arguments)
        {
            int equals = word.Value.IndexOf('=');
            string name = equals < 0 ? word.Value : word.Value[..equals];
            if (name.Length == 0)
            {
                throw InstructionErrors.At(syntax, word, DiagnosticCodes.InvalidKeyValue, $"ARG '{word.Value}' has no name",
                    "write ARG <name>=<default>");
            }
            declarations.Add(new ArgDeclaration(name, equals < 0 ? null : word.Value[(equals + 1)..]));
        }
        return new ArgInstruction(syntax, declarations.MoveToImmutable());
    }
}
