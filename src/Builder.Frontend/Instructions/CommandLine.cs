using System.Collections.Immutable;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary>
/// The command of RUN, CMD, ENTRYPOINT or HEALTHCHECK CMD: exec form (a JSON array of words) or shell form
/// (one string the stage's SHELL runs), with the heredocs RUN may open.
/// </summary>
/// <param name="Words">Exec form: the words; shell form: one element, the command line.</param>
/// <param name="IsShellForm">True for the shell form.</param>
/// <param name="Heredocs">Here-documents opened on the line (RUN only).</param>
public sealed record CommandLine(ImmutableArray<string> Words, bool IsShellForm, ImmutableArray<Heredoc> Heredocs)
{
    /// <summary>The command of an instruction's arguments as the parser split them.</summary>
    public static CommandLine From(InstructionSyntax syntax, int skip = 0) => new(
        [.. syntax.Arguments.Skip(skip).Select(a => a.Value)], !syntax.IsJsonForm,
        syntax.Heredocs.IsDefault ? [] : syntax.Heredocs);
}
