using System.Globalization;
using System.Text;

namespace Builder.Filesystem.Patterns;

/// <summary>
/// Turns the Go (RE2) regular expression that patternmatcher builds from a pattern into a .NET regular expression
/// with the same meaning. patternmatcher passes '[', ']', '^' and '\'-escapes of the user's pattern straight to
/// Go's regexp package, so the odd corners (a '*' inside '[...]', POSIX classes, '\d') follow RE2's rules, not
/// filepath.Match's. Differences handled here: RE2 reads runes, .NET reads UTF-16 units (a '?' must match a
/// surrogate pair as one character); RE2's '$' is end of text, .NET's also matches before a final '\n'; RE2's
/// Perl and POSIX classes are ASCII-only; RE2 rejects escapes .NET accepts.
/// </summary>
internal static class GoRegexTranslator
{
    private const string SurrogatePair = @"[\uD800-\uDBFF][\uDC00-\uDFFF]";
    private const string Surrogates = @"\uD800-\uDFFF";

    // RE2's POSIX classes (regexp/syntax perl_groups.go), all ASCII.
    private static readonly Dictionary<string, (char Lo, char Hi)[]> PosixClasses = new(StringComparer.Ordinal)
    {
        ["[:alnum:]"] = [('0', '9'), ('A', 'Z'), ('a', 'z')],
        ["[:alpha:]"] = [('A', 'Z'), ('a', 'z')],
        ["[:ascii:]"] = [('\x00', '\x7F')],
        ["[:blank:]"] = [('\t', '\t'), (' ', ' ')],
        ["[:cntrl:]"] = [('\x00', '\x1F'), ('\x7F', '\x7F')],
        ["[:digit:]"] = [('0', '9')],
        ["[:graph:]"] = [('!', '~')],
        ["[:lower:]"] = [('a', 'z')],
        ["[:print:]"] = [(' ', '~')],
        ["[:punct:]"] = [('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        ["[:space:]"] = [('\t', '\r'), (' ', ' ')],
        ["[:upper:]"] = [('A', 'Z')],
        ["[:word:]"] = [('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')],
        ["[:xdigit:]"] = [('0', '9'), ('A', 'F'), ('a', 'f')],
    };

    // RE2's Perl classes: \d \s \w and their negations, ASCII-only (\s has no \v).
    private static readonly Dictionary<char, (char Lo, char Hi)[]> PerlClasses = new()
    {
        ['d'] = [('0', '9')],
        ['s'] = [('\t', '\n'), ('\f', '\r'), (' ', ' ')],
        ['w'] = [('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')],
    };

    /// <summary>Translates <paramref name="re2"/>, which must be a regexp as patternmatcher builds it.</summary>
    /// <exception cref="PatternCompileException">Go would not compile it, or it uses an RE2 feature not reproduced.</exception>
    public static string Translate(string re2)
    {
        var net = new StringBuilder(re2.Length * 2);
        int i = 0;
        while (i < re2.Length)
        {
            char c = re2[i];
            switch (c)
            {
                case '\\':
                    i = TranslateEscape(re2, i, net);
                    break;
                case '[':
                    i = TranslateClass(re2, i, net);
                    break;
                case '$':
                    net.Append(@"\z"); // RE2 without the m flag: end of text only
                    i++;
                    break;
                case '^' or '.' or '*' or '?' or '(' or ')' or '|' or '+':
                    // '^' can come from the user (patternmatcher does not escape it); the rest only from the
                    // translation of '*', '?' and '**', since patternmatcher escapes the user's '.+()|{}$'.
                    net.Append(c);
                    i++;
                    break;
                default:
                    AppendLiteral(net, c);
                    i++;
                    break;
            }
        }
        return net.ToString();
    }

    private static int TranslateEscape(string re2, int i, StringBuilder net)
    {
        if (i + 1 >= re2.Length)
            throw Invalid("it ends with a '\\' that escapes nothing");
        char c = re2[i + 1];
        switch (c)
        {
            case 'A':
                net.Append(@"\A");
                return i + 2;
            case 'z':
                net.Append(@"\z");
                return i + 2;
            case 'd' or 's' or 'w':
                AppendClass(net, negated: false, PerlClasses[c]);
                return i + 2;
            case 'D' or 'S' or 'W':
                AppendClass(net, negated: true, PerlClasses[char.ToLowerInvariant(c)]);
                return i + 2;
            case 'b' or 'B' or 'C' or 'Q' or 'p' or 'P':
                throw Unsupported($"the Go regexp escape '\\{c}'");
            default:
                AppendLiteral(net, ClassChar(c));
                return i + 2;
        }
    }

    // RE2's parseEscape for a character that is a literal (also used inside classes).
    private static char ClassChar(char c)
    {
        if (c < 0x80 && !char.IsAsciiLetterOrDigit(c))
            return c; // RE2: an escaped ASCII non-alphanumeric character is itself
        return c switch
        {
            'a' => '\a',
            'f' => '\f',
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'v' => '\v',
            >= '0' and <= '9' or 'x' => throw Unsupported($"the Go regexp escape '\\{c}' (octal or hex)"),
            _ => throw Invalid($"'\\{c}' is not an escape Go's regexp accepts; BuildKit turns each '\\' of a pattern into a regexp escape"),
        };
    }

    private static int TranslateClass(string re2, int i, StringBuilder net)
    {
        int n = re2.Length;
        int j = i + 1;
        bool negated = false;
        if (j < n && re2[j] == '^')
        {
            negated = true;
            j++;
        }
        var ranges = new List<(char Lo, char Hi)>();
        bool first = true; // RE2: ']' is a literal as the first character of a class
        while (j >= n || re2[j] != ']' || first)
        {
            if (j >= n)
                throw Invalid("a '[' character class has no closing ']'");
            first = false;
            if (re2[j] == '[' && j + 1 < n && re2[j + 1] == ':')
            {
                // RE2 looks for ":]" anywhere in the rest of the expression, not only inside this class.
                int end = re2.IndexOf(":]", j + 2, StringComparison.Ordinal);
                if (end >= 0)
                {
                    string name = re2[j..(end + 2)];
                    if (name.StartsWith("[:^", StringComparison.Ordinal) && PosixClasses.ContainsKey("[:" + name[3..]))
                        throw Unsupported($"the negated POSIX class '{name}'");
                    if (!PosixClasses.TryGetValue(name, out (char Lo, char Hi)[]? posix))
                        throw Invalid($"'{name}' is not a POSIX character class");
                    ranges.AddRange(posix);
                    j = end + 2;
                    continue;
                }
            }
            if (re2[j] == '\\' && j + 1 < n)
            {
                char e = re2[j + 1];
                if (e is 'p' or 'P')
                    throw Unsupported($"the Go regexp escape '\\{e}'");
                if (PerlClasses.TryGetValue(e, out (char Lo, char Hi)[]? perl))
                {
                    ranges.AddRange(perl);
                    j += 2;
                    continue;
                }
                if (e is 'D' or 'S' or 'W')
                    throw Unsupported($"the negated class '\\{e}' inside '[...]'");
            }
            char lo = ReadClassChar(re2, ref j);
            char hi = lo;
            if (j + 1 < n && re2[j] == '-' && re2[j + 1] != ']')
            {
                j++;
                hi = ReadClassChar(re2, ref j);
                if (hi < lo)
                    throw Invalid($"the range '{lo}-{hi}' is backwards");
            }
            ranges.Add((lo, hi));
        }
        AppendClass(net, negated, ranges);
        return j + 1;
    }

    private static char ReadClassChar(string re2, ref int j)
    {
        if (j >= re2.Length)
            throw Invalid("a '[' character class has no closing ']'");
        char c = re2[j];
        if (c == '\\')
        {
            if (j + 1 >= re2.Length)
                throw Invalid("a '[' character class has no closing ']'");
            c = ClassChar(re2[j + 1]);
            j += 2;
        }
        else
            j++;
        if (char.IsSurrogate(c))
            throw Unsupported("a character outside the Basic Multilingual Plane inside '[...]'");
        return c;
    }

    // A class matches one rune. .NET sees UTF-16 units, so a class never matches half of a surrogate pair, and
    // a negated class matches a whole pair (no member of our classes lies outside the BMP).
    private static void AppendClass(StringBuilder net, bool negated, IEnumerable<(char Lo, char Hi)> ranges)
    {
        var set = new StringBuilder();
        foreach ((char lo, char hi) in ranges)
        {
            AppendUnicodeEscape(set, lo);
            if (hi != lo)
            {
                set.Append('-');
                AppendUnicodeEscape(set, hi);
            }
        }
        if (negated)
            net.Append("(?:").Append(SurrogatePair).Append("|[^").Append(set).Append(Surrogates).Append("])");
        else
            net.Append('[').Append(set).Append("-[").Append(Surrogates).Append("]]");
    }

    private static void AppendLiteral(StringBuilder net, char c)
    {
        if (char.IsAsciiLetterOrDigit(c))
            net.Append(c);
        else
            AppendUnicodeEscape(net, c);
    }

    private static void AppendUnicodeEscape(StringBuilder net, char c) =>
        net.Append(@"\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));

    private static PatternCompileException Invalid(string problem) => new(PatternErrorCodes.InvalidPattern, problem);

    private static PatternCompileException Unsupported(string feature) => new(PatternErrorCodes.NotSupported, feature);
}
