using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Builder.Filesystem.Patterns;

/// <summary>
/// One compiled pattern of a <c>.dockerignore</c> file or of a COPY's sources or <c>--exclude</c>, matched against
/// one whole context-relative path the way moby/patternmatcher's <c>Pattern.match</c> does (<see cref="Create"/>),
/// or, for the wildcard part of a COPY source, the way Go's <c>filepath.Match</c> does
/// (<see cref="TryCreateFilepathMatch"/>). Compiled once, when created; matching never allocates a regex.
/// </summary>
public sealed class PathPattern
{
    private enum MatchKind { Exact, Prefix, Suffix, Regex }

    private readonly MatchKind _kind;
    private readonly Regex? _regex;

    private PathPattern(string text, bool isException, MatchKind kind, Regex? regex)
    {
        (Text, IsException, _kind, _regex) = (text, isException, kind, regex);
    }

    /// <summary>The cleaned pattern without its <c>!</c>, as patternmatcher's <c>Pattern.String()</c> gives it.</summary>
    public string Text { get; }

    /// <summary>Whether the pattern started with <c>!</c> and re-includes what earlier patterns excluded.</summary>
    public bool IsException { get; }

    /// <summary>
    /// Prepares one pattern as patternmatcher's <c>New</c> does: trim whitespace, <c>filepath.Clean</c> (before the
    /// <c>!</c> is removed, so <c>!/</c> cleans to a lone <c>!</c>), strip the <c>!</c>, check the syntax with
    /// <c>filepath.Match</c>'s rules, and compile.
    /// </summary>
    /// <param name="pattern">The pattern, as the .dockerignore reader or a COPY instruction gives it.</param>
    /// <returns>The compiled pattern, or <see langword="null"/> when the pattern is blank (patternmatcher skips it).</returns>
    /// <exception cref="PatternException">The pattern is malformed, or uses a feature not supported yet; the caller adds where it was written.</exception>
    public static PathPattern? Create(string pattern)
    {
        string text = pattern.Trim();
        if (text.Length == 0)
            return null;
        text = GoPath.Clean(text);
        bool isException = text[0] == '!';
        if (isException)
        {
            if (text.Length == 1)
                throw new PatternException(PatternErrorCodes.EmptyExceptionPattern,
                    $"'{pattern.Trim()}' is an exception with no pattern after the '!'",
                    "write the path to re-include after the '!', for example: !docs/README.md");
            text = text[1..];
        }
        if (!GoGlobSyntax.TryValidate(text, out string problem))
            throw Error(PatternErrorCodes.InvalidPattern, pattern, problem);
        try
        {
            (MatchKind kind, string re2) = Analyse(text);
            Regex? regex = kind == MatchKind.Regex
                ? new Regex(GoRegexTranslator.Translate(re2), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)
                : null;
            return new PathPattern(text, isException, kind, regex);
        }
        catch (PatternCompileException e)
        {
            throw Error(e.Code, pattern, e.Message);
        }
    }

    /// <summary>
    /// Compiles the wildcard part of a COPY source with Go's <c>filepath.Match</c> rules, which fsutil's
    /// <c>ResolveWildcards</c> applies to the source's path from its first wildcard component on: <c>*</c> is any
    /// run of characters but <c>/</c> (so <c>**</c> is no more than <c>*</c>), <c>?</c> is one character but
    /// <c>/</c>, <c>[...]</c> is a class (negated by <c>^</c>), <c>\</c> makes the next character literal, and
    /// everything else, <c>!</c> and <c>^</c> included, stands for itself. The pattern is not cleaned.
    /// </summary>
    /// <returns>
    /// Whether the pattern is well formed. fsutil ignores <c>filepath.Match</c>'s <c>ErrBadPattern</c>, so a
    /// malformed source matches nothing rather than failing.
    /// </returns>
    public static bool TryCreateFilepathMatch(string pattern, [NotNullWhen(true)] out PathPattern? compiled)
    {
        compiled = null;
        if (!GoGlobSyntax.TryValidate(pattern, out _))
            return false;
        if (pattern.AsSpan().IndexOfAny(@"*?[\") < 0)
        {
            compiled = new PathPattern(pattern, isException: false, MatchKind.Exact, regex: null);
            return true;
        }
        try
        {
            var regex = new Regex(GoRegexTranslator.Translate(FilepathMatchToRe2(pattern)),
                                  RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            compiled = new PathPattern(pattern, isException: false, MatchKind.Regex, regex);
            return true;
        }
        catch (PatternCompileException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> (slash-separated, relative to the context root) matches this pattern
    /// itself, without looking at its parent directories.
    /// </summary>
    public bool Matches(string path) => _kind switch
    {
        MatchKind.Exact => path == Text,
        // "dir/**" is a plain prefix test on "dir/": it does not match "dir" itself, and "dir**" matches "dirt".
        MatchKind.Prefix => path.StartsWith(Text[..^2], StringComparison.Ordinal),
        // "**/foo" and "**foo" are plain suffix tests; "**/foo" also matches "foo" at the root.
        MatchKind.Suffix => path.EndsWith(Text[2..], StringComparison.Ordinal)
                            || (Text.Length > 2 && Text[2] == '/' && path.AsSpan().SequenceEqual(Text.AsSpan(3))),
        _ => _regex!.IsMatch(path),
    };

    /// <inheritdoc/>
    public override string ToString() => IsException ? "!" + Text : Text;

    // patternmatcher's Pattern.compile: decide the match kind and build the RE2 expression. Only '*', '?', '\',
    // '[' and ']' make a pattern a regexp; a pattern starting with "**" is a suffix test unless something later
    // makes it a regexp; a pattern ending in "**" that was exact so far is a prefix test.
    private static (MatchKind Kind, string Re2) Analyse(string pattern)
    {
        var re2 = new StringBuilder("^");
        MatchKind kind = MatchKind.Exact;
        int pos = pattern.Length > 0 && pattern[0] == '\uFEFF' ? 1 : 0; // Go's text/scanner skips a leading BOM
        for (int i = 0; pos < pattern.Length; i++)
        {
            char c = pattern[pos++];
            switch (c)
            {
                case '*' when pos < pattern.Length && pattern[pos] == '*':
                    pos++;
                    if (pos < pattern.Length && pattern[pos] == '/')
                        pos++; // "**/" is read as "**"
                    if (pos >= pattern.Length)
                    {
                        if (kind == MatchKind.Exact)
                            kind = MatchKind.Prefix;
                        else
                        {
                            re2.Append(".*");
                            kind = MatchKind.Regex;
                        }
                    }
                    else
                    {
                        re2.Append("(.*/)?"); // any number of directories, including none
                        kind = MatchKind.Regex;
                    }
                    if (i == 0)
                        kind = MatchKind.Suffix;
                    break;
                case '*':
                    re2.Append("[^/]*");
                    kind = MatchKind.Regex;
                    break;
                case '?':
                    re2.Append("[^/]");
                    kind = MatchKind.Regex;
                    break;
                case '.' or '+' or '(' or ')' or '|' or '{' or '}' or '$':
                    re2.Append('\\').Append(c);
                    break;
                case '\\':
                    if (pos < pattern.Length)
                    {
                        re2.Append('\\').Append(pattern[pos++]);
                        if (char.IsHighSurrogate(pattern[pos - 1]) && pos < pattern.Length)
                            re2.Append(pattern[pos++]);
                        kind = MatchKind.Regex;
                    }
                    else
                        re2.Append('\\');
                    break;
                case '[' or ']':
                    re2.Append(c);
                    kind = MatchKind.Regex;
                    break;
                default:
                    re2.Append(c);
                    break;
            }
        }
        return (kind, re2.Append('$').ToString());
    }

    // filepath.Match as an RE2 expression. Unlike patternmatcher's translation, a '\' escape and every character
    // of a class are literal characters (Go's getEsc), never RE2 syntax; GoGlobSyntax has checked the classes.
    private static string FilepathMatchToRe2(string pattern)
    {
        var re2 = new StringBuilder("^");
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i++];
            switch (c)
            {
                case '*':
                    re2.Append("[^/]*");
                    break;
                case '?':
                    re2.Append("[^/]");
                    break;
                case '\\':
                    AppendLiteral(re2, pattern[i++]);
                    break;
                case '[':
                    re2.Append('[');
                    if (pattern[i] == '^')
                    {
                        re2.Append('^');
                        i++;
                    }
                    do
                    {
                        AppendLiteral(re2, ClassChar(pattern, ref i));
                        if (pattern[i] == '-')
                        {
                            re2.Append('-');
                            i++;
                            AppendLiteral(re2, ClassChar(pattern, ref i));
                        }
                    }
                    while (pattern[i] != ']');
                    re2.Append(']');
                    i++;
                    break;
                default:
                    AppendLiteral(re2, c);
                    break;
            }
        }
        return re2.Append('$').ToString();

        static char ClassChar(string pattern, ref int i)
        {
            if (pattern[i] == '\\')
                i++;
            return pattern[i++];
        }

        static void AppendLiteral(StringBuilder re2, char c)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c < 0x80 && c != '/' && c != ' ' && c != '_')
                re2.Append('\\');
            re2.Append(c);
        }
    }

    private static PatternException Error(string code, string pattern, string problem) =>
        code == PatternErrorCodes.NotSupported
            ? new PatternException(code, $"not supported yet: {problem} in the pattern '{pattern.Trim()}'",
                "escape the character with '\\' only where it is special: * ? [ ] \\")
            : new PatternException(code, $"'{pattern.Trim()}' is not a valid pattern: {problem}",
                "to match '[', ']', '-', '*', '?' or '\\' literally, escape it with '\\', for example: file\\[1\\].txt");
}
