using System.Text.RegularExpressions;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>FROM [--platform=P] image [AS name]</c>: starts a build stage.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="BaseName">The image or stage name, unexpanded (global ARGs apply).</param>
/// <param name="StageName">The stage's name, lower-cased, or null.</param>
/// <param name="Platform">The <c>--platform</c> value, unexpanded, or null.</param>
public sealed partial record FromInstruction(InstructionSyntax Syntax, string BaseName, string? StageName, string? Platform)
    : Instruction(Syntax)
{
    // BuildKit's stage-name rule: a letter, then letters, digits, '-', '_' and '.'.
    [GeneratedRegex("^[a-z][a-z0-9-_.]*$")]
    private static partial Regex StageNamePattern();

    internal static FromInstruction Parse(InstructionSyntax syntax)
    {
        var flags = new InstructionFlags(syntax, ("platform", FlagKind.String));
        var args = syntax.Arguments;
        if (args.Length is not (1 or 3))
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs an image, optionally followed by AS <name>",
                "write FROM <image> or FROM <image> AS <stage-name>");
        }
        string? stageName = null;
        if (args.Length == 3)
        {
            if (!args[1].Value.Equals("AS", StringComparison.OrdinalIgnoreCase))
            {
                throw InstructionErrors.At(syntax, args[1], DiagnosticCodes.InvalidArgument,
                    $"FROM expects 'AS' before the stage name, got '{args[1].Value}'", $"write FROM {args[0].Value} AS {args[2].Value}");
            }
            stageName = args[2].Value.ToLowerInvariant();
            if (!StageNamePattern().IsMatch(stageName))
            {
                throw InstructionErrors.At(syntax, args[2], DiagnosticCodes.InvalidStage,
                    $"invalid stage name '{args[2].Value}'",
                    "a stage name starts with a letter and holds only letters, digits, '-', '_' and '.'");
            }
        }
        return new FromInstruction(syntax, args[0].Value, stageName, flags.String("platform"));
    }
}
