using Sprache;

namespace Builder.Frontend.Syntax;

/// <summary>
/// The word-level grammars of BuildKit's Dockerfile parser, as Sprache parsers: instruction flags, the
/// quote-preserving words of ENV, LABEL and ARG, whitespace-delimited words, and parser directive lines.
/// </summary>
internal static class WordGrammar
{
    /// <summary>BuildKit splits FROM, EXPOSE and the legacy forms on this set only (its <c>[\t\v\f\r ]+</c>).</summary>
    public const string DelimiterWhitespace = "\t\v\f\r ";

    private static readonly Parser<char> Space = Parse.Char(char.IsWhiteSpace, "whitespace");

    // ---- Flags: BuildKit's extractBuilderFlags. Quotes are removed and '\' escapes the next character (always
    // '\', whatever the escape directive says); a '\' or an unterminated quote at the end is accepted.
    private static readonly Parser<string> FlagEscape =
        Parse.Char('\\').Then(_ => Parse.AnyChar.Once().Text().Or(Parse.Return(string.Empty)));

    private static Parser<string> FlagQuoted(char quote) =>
        from open in Parse.Char(quote)
        from body in FlagEscape.Or(Parse.CharExcept([quote, '\\']).Once().Text()).Many()
        from close in Parse.Char(quote).Optional()
        select string.Concat(body);

    private static readonly Parser<string> FlagPlain =
        Parse.Char(c => !char.IsWhiteSpace(c) && c is not ('"' or '\'' or '\\'), "flag character").AtLeastOnce().Text();

    private static readonly Parser<string> FlagWord =
        from dashes in Parse.String("--").Text()
        from parts in FlagQuoted('"').Or(FlagQuoted('\'')).Or(FlagEscape).Or(FlagPlain).Many()
        select dashes + string.Concat(parts);

    private static readonly Parser<IEnumerable<ITextSpan<string>>> FlagWords =
        Space.Many().Then(_ => FlagWord.Span()).Many();

    /// <summary>
    /// Reads the leading <c>--flag</c> words of <paramref name="text"/> from <paramref name="start"/>. Returns
    /// the flags and the offset where the arguments begin. A bare <c>--</c> ends the flags and is dropped.
    /// </summary>
    public static (List<SyntaxWord> Flags, int ArgumentsOffset) ReadFlags(string text, int start)
    {
        var flags = new List<SyntaxWord>();
        int rest = start;
        IResult<IEnumerable<ITextSpan<string>>> result = FlagWords.TryParse(text[start..]);
        foreach (ITextSpan<string> word in result.Value)
        {
            rest = start + word.End.Pos;
            if (word.Value == "--") break;
            flags.Add(new SyntaxWord(word.Value, start + word.Start.Pos, word.Length));
        }
        return (flags, rest);
    }

    // ---- Words of ENV, LABEL and ARG: BuildKit's parseWords. Split on unquoted whitespace; quotes and escape
    // characters are kept (expansion removes them later); the escape token does not escape inside '...'.
    private static readonly Dictionary<char, Parser<IEnumerable<ITextSpan<string>>>> QuotedWordsByEscape = new()
    {
        ['\\'] = QuotedWords('\\'),
        ['`'] = QuotedWords('`'),
    };

    private static Parser<IEnumerable<ITextSpan<string>>> QuotedWords(char escape)
    {
        Parser<string> escaped =
            from e in Parse.Char(escape)
            from next in Parse.AnyChar.Optional()
            select next.IsDefined ? $"{e}{next.Get()}" : string.Empty;
        Parser<string> doubleQuoted =
            from open in Parse.Char('"')
            from body in escaped.Or(Parse.CharExcept(['"', escape]).Once().Text()).Many()
            from close in Parse.Char('"').Optional()
            select "\"" + string.Concat(body) + (close.IsDefined ? "\"" : string.Empty);
        Parser<string> singleQuoted =
            from open in Parse.Char('\'')
            from body in Parse.CharExcept('\'').Many().Text()
            from close in Parse.Char('\'').Optional()
            select "'" + body + (close.IsDefined ? "'" : string.Empty);
        Parser<string> plain =
            Parse.Char(c => !char.IsWhiteSpace(c) && c != '"' && c != '\'' && c != escape, "word character")
                .AtLeastOnce().Text();
        Parser<string> word = doubleQuoted.Or(singleQuoted).Or(escaped).Or(plain).AtLeastOnce().Select(string.Concat);
        return Space.Many().Then(_ => word.Span()).Many();
    }

    /// <summary>Splits <paramref name="text"/> from <paramref name="start"/> into quote-preserving words.</summary>
    public static List<SyntaxWord> ReadQuotedWords(string text, int start, char escapeToken)
    {
        var words = new List<SyntaxWord>();
        foreach (ITextSpan<string> word in QuotedWordsByEscape[escapeToken].TryParse(text[start..]).Value)
        {
            // An escape token alone at the end of the line yields an empty word, which BuildKit drops.
            if (word.Value.Length > 0) words.Add(new SyntaxWord(word.Value, start + word.Start.Pos, word.Length));
        }
        return words;
    }

    // ---- Whitespace-delimited words (FROM, EXPOSE, the shell form of ADD/COPY/VOLUME).
    private static readonly Parser<IEnumerable<ITextSpan<string>>> DelimitedWords =
        Parse.Chars(DelimiterWhitespace).Many()
            .Then(_ => Parse.CharExcept(DelimiterWhitespace).AtLeastOnce().Text().Span())
            .Many();

    /// <summary>Splits the text between <paramref name="start"/> and <paramref name="end"/> on BuildKit's delimiter whitespace.</summary>
    public static List<SyntaxWord> ReadDelimitedWords(string text, int start, int end)
    {
        var words = new List<SyntaxWord>();
        foreach (ITextSpan<string> word in DelimitedWords.TryParse(text[start..end]).Value)
        {
            words.Add(new SyntaxWord(word.Value, start + word.Start.Pos, word.Length));
        }
        return words;
    }

    // ---- Parser directives: BuildKit's ^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$ (Go's \s is ASCII).
    private static readonly Parser<char> DirectiveSpace = Parse.Chars("\t\n\f\r ");

    private static readonly Parser<(string Name, string Value)> Directive =
        from hash in Parse.Char('#')
        from s1 in DirectiveSpace.Many()
        from first in Parse.Char(char.IsAsciiLetter, "letter")
        from rest in Parse.Char(char.IsAsciiLetterOrDigit, "letter or digit").Many().Text()
        from s2 in DirectiveSpace.Many()
        from equalsSign in Parse.Char('=')
        from s3 in DirectiveSpace.Many()
        from value in Parse.AnyChar.AtLeastOnce().Text()
        select (first + rest, value.TrimEnd('\t', '\n', '\f', '\r', ' '));

    /// <summary>Reads a parser directive line (<c># name=value</c>); false when the line is not one.</summary>
    public static bool TryReadDirective(string line, out string name, out string value)
    {
        IResult<(string Name, string Value)> result = Directive.End().TryParse(line);
        (name, value) = result.WasSuccessful ? result.Value : (string.Empty, string.Empty);
        return result.WasSuccessful && value.Length > 0;
    }
}
