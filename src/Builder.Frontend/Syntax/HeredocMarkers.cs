using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Builder.Frontend.Syntax;

/// <summary>
/// Finds the heredoc markers (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-EOF</c>, <c>&lt;&lt;"EOF"</c>, <c>2&lt;&lt;EOF</c>)
/// among the words of a RUN, COPY or ADD line, as BuildKit does: each quote-preserving word is matched against
/// <c>^(\d*)&lt;&lt;(-?)([^&lt;]*)$</c>; the terminator is the rest unquoted, and any quote in it turns expansion
/// of the body off.
/// </summary>
internal static partial class HeredocMarkers
{
    [GeneratedRegex(@"^(\d*)<<(-?)([^<]*)$")]
    private static partial Regex MarkerPattern();

    /// <summary>Every heredoc the line opens, in order, with empty bodies (the parser reads them next).</summary>
    public static ImmutableArray<Heredoc> Find(string line)
    {
        if (!line.Contains("<<", StringComparison.Ordinal)) return [];
        var heredocs = ImmutableArray.CreateBuilder<Heredoc>();
        foreach (SyntaxWord word in WordGrammar.ReadQuotedWords(line, 0, '\\'))
        {
            if (TryParse(word.Value, out Heredoc? heredoc)) heredocs.Add(heredoc);
        }
        return heredocs.ToImmutable();
    }

    /// <summary>Reads one word as a heredoc marker; false when it is not one.</summary>
    public static bool TryParse(string word, [NotNullWhen(true)] out Heredoc? heredoc)
    {
        heredoc = null;
        Match match = MarkerPattern().Match(word);
        if (!match.Success || match.Groups[3].Length == 0) return false;
        string rest = match.Groups[3].Value;
        // BuildKit requires the terminator to be one word once unquoted ("<<EOF more" is not a marker).
        if (WordGrammar.ReadQuotedWords(rest, 0, '\\').Count != 1) return false;
        (string name, bool quoted) = Unquote(rest);
        if (name.Length == 0) return false;
        int descriptor = match.Groups[1].Length == 0 || !int.TryParse(match.Groups[1].Value, out int fd) ? 0 : fd;
        heredoc = new Heredoc(name, Expand: !quoted, Chomp: match.Groups[2].Value == "-", descriptor, string.Empty, 0);
        return true;
    }

    // Shell unquoting of the terminator word: '…' literal, "…" with \ escaping " \ $ `, \ outside escaping anything.
    private static (string Name, bool Quoted) Unquote(string text)
    {
        var name = new StringBuilder(text.Length);
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\'')
            {
                quoted = true;
                int end = text.IndexOf('\'', i + 1);
                if (end < 0) end = text.Length;
                name.Append(text, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                quoted = true;
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`') i++;
                    name.Append(text[i]);
                }
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                name.Append(text[++i]);
            }
            else if (c != '\\')
            {
                name.Append(c);
            }
        }
        return (name.ToString(), quoted);
    }
}
