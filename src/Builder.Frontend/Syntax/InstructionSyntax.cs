using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Syntax;

/// <summary>
/// One instruction as written: its keyword, its leading <c>--flag</c> words and its arguments split the way
/// BuildKit's parser splits that instruction, before any checking or typing.
/// </summary>
/// <param name="Keyword">The instruction word as written (<c>run</c>, <c>RUN</c>, <c>Run</c>...).</param>
/// <param name="Flags">The leading <c>--name[=value]</c> words, quotes removed; a bare <c>--</c> ends them and is dropped.</param>
/// <param name="Arguments">The arguments (for ENV and LABEL: key, value, separator triples; for HEALTHCHECK: the type then the command).</param>
/// <param name="IsJsonForm">True when the arguments came from a JSON string array (exec form).</param>
/// <param name="Heredocs">The here-documents the instruction opens, in order, with their bodies.</param>
/// <param name="Subcommand">The instruction inside ONBUILD.</param>
/// <param name="Text">The instruction with continuation lines joined and comments inside them dropped.</param>
/// <param name="Span">From the keyword's first character to the end of the instruction's last line (heredoc bodies excluded).</param>
/// <param name="Map">Maps offsets in <see cref="Text"/> to lines and columns.</param>
public sealed record InstructionSyntax(
    string Keyword,
    ImmutableArray<SyntaxWord> Flags,
    ImmutableArray<SyntaxWord> Arguments,
    bool IsJsonForm,
    ImmutableArray<Heredoc> Heredocs,
    InstructionSyntax? Subcommand,
    string Text,
    SourceSpan Span,
    LineMap Map)
{
    /// <summary>The keyword in upper case, as the Dockerfile reference names instructions.</summary>
    public string Name => Keyword.ToUpperInvariant();

    /// <summary>The last line of the instruction, including its heredoc bodies.</summary>
    public int LastLine { get; init; } = Span.EndLine;

    /// <summary>
    /// The comment lines right above the instruction, '#' and surrounding blanks removed (BuildKit's PrevComment:
    /// empty lines do not end them, a bare '#' does; directives are not comments).
    /// </summary>
    public ImmutableArray<string> Comments { get; init; } = [];

    /// <summary>The source span of a word of this instruction.</summary>
    public SourceSpan SpanOf(SyntaxWord word) => Map.SpanOf(word.Offset, word.Length);

    /// <summary>The source span of the keyword.</summary>
    public SourceSpan KeywordSpan => Map.SpanOf(0, Keyword.Length);
}
