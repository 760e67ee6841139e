using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Builder.Frontend.Expansion;

namespace Builder.Frontend.Syntax;

/// <summary>
/// Finds the heredoc markers (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c>, <c>&lt;&lt;"EOF"</c>, <c>2&lt;&lt;EOF</c>,
/// <c>&lt;&lt; EOF</c>) among the words of a RUN, COPY or ADD line, as BuildKit's parser does
/// (parser.go, heredocsFromLine and ParseHeredoc). It splits the line with the shell lexer, as BuildKit does, so
/// the Syntax stage uses the one lexer of <c>Expansion</c> here rather than a second copy of its rules.
/// </summary>
internal static partial class HeredocMarkers
{
    private static readonly Dictionary<string, string> NoVariables = new(StringComparer.Ordinal);

    // heredocsFromLine: quotes and escapes kept, unset variables left as written; always '\', whatever # escape= says.
    private static readonly ShellLexer LineLexer = new('\\', new ShellLexerOptions { RawQuotes = true, RawEscapes = true, SkipUnsetEnv = true });

    // heredocFromMatch reads the terminator twice, without and with quotes, and compares the quote counts.
    private static readonly ShellLexer NameLexer = new('\\', new ShellLexerOptions { SkipUnsetEnv = true });
    private static readonly ShellLexer RawNameLexer = new('\\', new ShellLexerOptions { SkipUnsetEnv = true, RawQuotes = true });

    [GeneratedRegex(@"^(\d*)<<(-?)\s*([^<]*)$")]
    private static partial Regex MarkerPattern();

    /// <summary>
    /// Every heredoc the line opens, in order, with empty bodies (the parser reads them next). A line the lexer
    /// cannot split (an unbalanced quote) opens none: BuildKit ignores the lexer's error there.
    /// </summary>
    public static ImmutableArray<Heredoc> Find(string line)
    {
        if (!line.Contains("<<", StringComparison.Ordinal)) return [];
        ImmutableArray<string> words;
        try
        {
            words = LineLexer.ProcessWords(line, NoVariables);
        }
        catch (ShellExpansionException)
        {
            return [];
        }
        var heredocs = ImmutableArray.CreateBuilder<Heredoc>();
        foreach (string word in words)
        {
            if (TryParse(word, out Heredoc? heredoc)) heredocs.Add(heredoc);
        }
        return heredocs.ToImmutable();
    }

    /// <summary>
    /// Reads one word as a heredoc marker (BuildKit's MustParseHeredoc): false when it is not one, or when its
    /// terminator does not lex (an unterminated quote), where BuildKit's ParseHeredoc fails.
    /// </summary>
    public static bool TryParse(string word, [NotNullWhen(true)] out Heredoc? heredoc)
    {
        heredoc = null;
        Match match = MarkerPattern().Match(word);
        if (!match.Success || match.Groups[3].Length == 0) return false;
        string rest = match.Groups[3].Value;
        ImmutableArray<string> names, rawNames;
        try
        {
            names = NameLexer.ProcessWords(rest, NoVariables);
            rawNames = RawNameLexer.ProcessWords(rest, NoVariables);
        }
        catch (ShellExpansionException)
        {
            return false;
        }
        // The terminator must be one word once unquoted ("<<EOF sh" is not a marker).
        if (names.Length != 1 || rawNames.Length != 1) return false;
        // Some part of the terminator was quoted when the quotes counted differ: the body is then not expanded.
        bool expand = QuoteCount(names[0]) == QuoteCount(rawNames[0]);
        int descriptor = match.Groups[1].Length == 0 || !int.TryParse(match.Groups[1].Value, out int fd) ? 0 : fd;
        heredoc = new Heredoc(names[0], expand, Chomp: match.Groups[2].Value == "-", descriptor, string.Empty, 0);
        return true;
    }

    private static int QuoteCount(string word) => word.Count(c => c is '\'' or '"');
}
