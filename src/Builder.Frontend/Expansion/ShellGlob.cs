using System.Text;
using System.Text.RegularExpressions;

namespace Builder.Frontend.Expansion;

/// <summary>
/// The patterns of <c>${a#p}</c>, <c>${a%p}</c> and <c>${a/p/r}</c>: <c>*</c> and <c>?</c> wildcards and the
/// escapes <c>\*</c>, <c>\?</c>, <c>\\</c>, without bracket expressions (as BuildKit's convertShellPatternToRegex).
/// </summary>
internal static class ShellGlob
{
    public static Regex ToRegex(string pattern, bool greedy, bool anchored, int offset)
    {
        var regex = new StringBuilder(pattern.Length + 4);
        if (anchored) regex.Append('^');
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append(greedy ? ".*" : ".*?");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '\\':
                    // "\}" inside ${...} escapes the brace; the backslash is not part of the pattern.
                    if (i + 1 < pattern.Length && pattern[i + 1] == '}') break;
                    if (i + 1 >= pattern.Length || pattern[i + 1] is not ('*' or '?' or '\\'))
                    {
                        string next = i + 1 < pattern.Length ? pattern[i + 1].ToString() : "end of pattern";
                        throw new ShellExpansionException($"invalid pattern '{pattern}': unknown escape sequence \\{next}", offset);
                    }
                    regex.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return new Regex(regex.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
    }

    /// <summary><c>${a#p}</c> / <c>${a##p}</c>: remove the shortest / longest matching prefix.</summary>
    public static string TrimPrefix(string pattern, string value, bool greedy, int offset)
    {
        Match match = ToRegex(pattern, greedy, anchored: true, offset).Match(value);
        return match.Success ? value[(match.Index + match.Length)..] : value;
    }

    /// <summary><c>${a%p}</c> / <c>${a%%p}</c>: reverse pattern and value to make the rightmost match a leftmost one.</summary>
    public static string TrimSuffix(string pattern, string value, bool greedy, int offset) =>
        Reverse(TrimPrefix(ReversePattern(pattern), Reverse(value), greedy, offset));

    private static string Reverse(string text)
    {
        char[] chars = text.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }

    // Reverses a pattern keeping each escape before the character it escapes.
    private static string ReversePattern(string pattern)
    {
        var tokens = new List<string>();
        for (int i = 0; i < pattern.Length; i++)
        {
            tokens.Add(pattern[i] == '\\' && i + 1 < pattern.Length ? pattern.Substring(i++, 2) : pattern[i].ToString());
        }
        tokens.Reverse();
        return string.Concat(tokens);
    }
}
