namespace Builder.Frontend.Expansion;

/// <summary>The switches of BuildKit's shell lexer.</summary>
/// <param name="RawQuotes">Keep quote characters in the result.</param>
/// <param name="RawEscapes">Keep escape characters in the result.</param>
/// <param name="SkipUnsetEnv">Leave references to unset variables as written.</param>
/// <param name="SkipProcessQuotes">Treat quotes as ordinary characters (heredoc bodies: variables expand, quotes stay).</param>
internal sealed record ShellLexerOptions(
    bool RawQuotes = false, bool RawEscapes = false, bool SkipUnsetEnv = false, bool SkipProcessQuotes = false)
{
    public static ShellLexerOptions Default { get; } = new();
}
