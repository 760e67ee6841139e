namespace Builder.Frontend.Expansion;

/// <summary>
/// How a <see cref="ShellLexer"/> treats quotes, escapes and unset variables. The names are the fields of
/// BuildKit's <c>shell.Lex</c> (frontend/dockerfile/shell/lex.go) so either side can be checked against the other.
/// </summary>
internal sealed record ShellLexerOptions
{
    /// <summary>What BuildKit's <c>NewLex</c> gives: quotes and escapes are removed, unset variables are empty.</summary>
    public static ShellLexerOptions Default { get; } = new();

    /// <summary>
    /// What BuildKit uses for the body of a heredoc that is expanded (convert.go, <c>ExpandRaw</c>): variables
    /// are expanded, quotes are ordinary characters. Escapes are still processed there: <c>\$HOME</c> gives
    /// <c>$HOME</c> and <c>\x</c> gives <c>x</c>. BuildKit always uses <c>\</c> for heredocs, whatever the
    /// <c># escape=</c> directive says, so the caller should construct the lexer with <c>'\\'</c>.
    /// </summary>
    public static ShellLexerOptions Heredoc { get; } = new() { SkipProcessQuotes = true };

    /// <summary>Keep the quote characters in the output (they still group words and stop expansion).</summary>
    public bool RawQuotes { get; init; }

    /// <summary>
    /// Keep the escape characters in the output. As in BuildKit this applies at the top level and inside double
    /// quotes, not inside the word of <c>${a:-word}</c>, which is always processed without raw escapes.
    /// </summary>
    public bool RawEscapes { get; init; }

    /// <summary>
    /// Leave a reference to an unset variable as written (<c>$NAME</c>, <c>${NAME}</c>, <c>${NAME:-word}</c> with
    /// its word expanded). <c>${NAME:?m}</c> and unsupported modifiers on an unset variable are then not errors.
    /// </summary>
    public bool SkipUnsetEnv { get; init; }

    /// <summary>Treat <c>'</c> and <c>"</c> as ordinary characters: expand variables, leave quotes alone.</summary>
    public bool SkipProcessQuotes { get; init; }
}
