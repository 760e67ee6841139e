using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>ENV name=value…</c> (or the legacy <c>ENV name value</c>): environment variables of the stage and image.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Variables">The names and values, unexpanded, in order.</param>
public sealed record EnvInstruction(InstructionSyntax Syntax, ImmutableArray<KeyValue> Variables) : Instruction(Syntax)
{
    internal static EnvInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        ImmutableArray<KeyValue> pairs = KeyValuePairs(syntax, "write ENV <name>=<value>");
        return new EnvInstruction(syntax, pairs);
    }

    /// <summary>The key/value/separator triples of ENV or LABEL as pairs; names must not be empty.</summary>
    internal static ImmutableArray<KeyValue> KeyValuePairs(InstructionSyntax syntax, string hint)
    {
        if (syntax.Arguments.Length == 0)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs at least one name=value", hint);
        }
        var pairs = ImmutableArray.CreateBuilder<KeyValue>(syntax.Arguments.Length / 3);
        for (int i = 0; i + 2 < syntax.Arguments.Length; i += 3)
        {
            if (syntax.Arguments[i].Value.Length == 0)
            {
                throw InstructionErrors.At(syntax, syntax.Arguments[i], DiagnosticCodes.InvalidKeyValue,
                    $"{syntax.Name} names cannot be empty", hint);
            }
            pairs.Add(new KeyValue(syntax.Arguments[i].Value, syntax.Arguments[i + 1].Value));
        }
        return pairs.MoveToImmutable();
    }
}
