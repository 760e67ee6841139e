using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary>Builds the <see cref="DockerfileException"/>s of the instruction layer with the right span.</summary>
internal static class InstructionErrors
{
    public static DockerfileException At(InstructionSyntax syntax, string code, string message, string? hint = null) =>
        new(new DockerfileDiagnostic(code, syntax.Span, syntax.Text, message, hint));

    public static DockerfileException At(InstructionSyntax syntax, SyntaxWord word, string code, string message, string? hint = null) =>
        new(new DockerfileDiagnostic(code, syntax.SpanOf(word), syntax.Text, message, hint));

    public static DockerfileException ArgumentCount(InstructionSyntax syntax, string requirement, string hint) =>
        new(new DockerfileDiagnostic(DiagnosticCodes.WrongArgumentCount,
            syntax.Arguments.Length > 0 ? syntax.SpanOf(syntax.Arguments[0]) with { EndLine = syntax.Span.EndLine, EndColumn = syntax.Span.EndColumn } : syntax.KeywordSpan,
            syntax.Text, $"{syntax.Name} {requirement}, got {Describe(syntax)}", hint));

    private static string Describe(InstructionSyntax syntax) => syntax.Arguments.Length switch
    {
        0 => "none",
        1 => $"only '{syntax.Arguments[0].Value}'",
        _ => $"{syntax.Arguments.Length}: {string.Join(' ', syntax.Arguments.Select(a => a.Value))}",
    };
}
