using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Expansion;
using Builder.Frontend.Instructions;

namespace Builder.Frontend.Conversion;

/// <summary>
/// Expands the words of one instruction with the variables in scope, and reports a failure as a diagnostic on
/// that instruction. Records the names it used, so later caching can key a step on the build args it reads.
/// </summary>
internal sealed class WordExpander(ShellLexer lexer, IReadOnlyDictionary<string, string> environment, Instruction instruction)
{
    public HashSet<string> Used { get; } = new(StringComparer.Ordinal);

    public string Word(string word)
    {
        try
        {
            return lexer.ProcessWord(word, environment, Used);
        }
        catch (ShellExpansionException e)
        {
            throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.ExpansionFailed,
                instruction.Syntax.Span, instruction.Syntax.Text, $"cannot expand '{word}': {e.Message}",
                "check quotes and ${...} references; write $$ or \\$ for a literal dollar sign"));
        }
    }

    public string? Optional(string? word) => word is null ? null : Word(word);

    public ImmutableArray<string> Words(string text)
    {
        try
        {
            return lexer.ProcessWords(text, environment, Used);
        }
        catch (ShellExpansionException e)
        {
            throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.ExpansionFailed,
                instruction.Syntax.Span, instruction.Syntax.Text, $"cannot expand '{text}': {e.Message}",
                "check quotes and ${...} references"));
        }
    }
}
