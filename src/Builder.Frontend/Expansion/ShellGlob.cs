using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Builder.Frontend.Expansion;

/// <summary>
/// The pattern of <c>${a#p}</c>, <c>${a%p}</c> and <c>${a/p/r}</c>, matched as BuildKit matches it. BuildKit turns
/// the pattern into a Go regular expression (lex.go, <c>convertShellPatternToRegex</c>), which gives these rules:
/// <list type="bullet">
/// <item><c>*</c> is any string and <c>?</c> any one character, but, being Go's <c>.</c>, neither matches a newline.</item>
/// <item><c>\</c> (always backslash, even under <c># escape=`</c>) escapes only <c>*</c>, <c>?</c> and <c>\</c>; it
/// is dropped before <c>}</c> and <c>/</c>; before anything else the pattern is invalid.</item>
/// <item>Everything else is literal, <c>[</c> included: there are no bracket expressions, unlike bash.</item>
/// </list>
/// Matching simulates the pattern's automaton over the value, so each search is O(value × pattern).
/// Characters are Unicode code points, as in Go, so <c>?</c> matches a whole surrogate pair.
/// </summary>
internal sealed class ShellGlob
{
    private const int AnyCharacter = -1;
    private const int AnyString = -2;
    private const int Absent = -1;

    // A code point, AnyCharacter or AnyString for each element of the pattern.
    private readonly int[] _tokens;
    private readonly bool _fromEnd;

    private ShellGlob(int[] tokens, bool fromEnd)
    {
        _tokens = tokens;
        _fromEnd = fromEnd;
    }

    /// <summary>Parses a pattern; <paramref name="problem"/> says what is wrong when it returns false.</summary>
    /// <param name="pattern">The pattern after expansion, its escapes kept.</param>
    /// <param name="fromEnd">For <c>%</c> and <c>%%</c>: the glob will trim a suffix.</param>
    /// <param name="glob">The parsed pattern.</param>
    /// <param name="problem">Why the pattern is invalid.</param>
    public static bool TryParse(string pattern, bool fromEnd, [NotNullWhen(true)] out ShellGlob? glob, [NotNullWhen(false)] out string? problem)
    {
        int[] runes = ToCodePoints(pattern, out _);
        // BuildKit matches a suffix by reversing the value and the pattern, keeping each "\x" pair in order.
        if (fromEnd)
            runes = ReversePattern(runes);

        var tokens = new List<int>(runes.Length);
        for (int i = 0; i < runes.Length; i++)
        {
            int rune = runes[i];
            if (rune == '*')
            {
                tokens.Add(AnyString);
            }
            else if (rune == '?')
            {
                tokens.Add(AnyCharacter);
            }
            else if (rune == '\\')
            {
                int next = i + 1 < runes.Length ? runes[i + 1] : Absent;
                if (next is '}' or '/')
                    continue;   // written to get a '}' or '/' into ${...}; not part of the pattern
                if (next is not ('*' or '?' or '\\'))
                {
                    glob = null;
                    problem = next == Absent
                        ? $"'{pattern}' has a '\\' that escapes nothing; write \\\\ for a backslash"
                        : $"'\\{CodePointToString(next)}' in '{pattern}' is not an escape; only \\*, \\? and \\\\ are";
                    return false;
                }

                tokens.Add(next);
                i++;
            }
            else
            {
                tokens.Add(rune);
            }
        }

        glob = new ShellGlob([.. tokens], fromEnd);
        problem = null;
        return true;
    }

    /// <summary>
    /// <c>${a#p}</c> / <c>${a##p}</c> for a glob parsed forward, <c>${a%p}</c> / <c>${a%%p}</c> for one parsed
    /// from the end: removes the shortest (or longest) prefix or suffix that matches; the value is unchanged if none does.
    /// </summary>
    public string Trim(string value, bool longest)
    {
        int[] runes = ToCodePoints(value, out int[] starts);
        if (_fromEnd)
            Array.Reverse(runes);
        int matched = MatchPrefix(runes, longest);
        if (matched < 0)
            return value;
        return _fromEnd ? value[..starts[runes.Length - matched]] : value[starts[matched]..];
    }

    /// <summary><c>${a/p/r}</c>: replaces the leftmost, longest match, inserting the replacement as it is.</summary>
    public string ReplaceFirst(string value, string replacement)
    {
        Debug.Assert(!_fromEnd, "replacement patterns are parsed forward");
        int[] runes = ToCodePoints(value, out int[] starts);
        (int start, int end) = FindLeftmostLongest(runes, 0);
        if (start < 0)
            return value;
        return string.Concat(value.AsSpan(0, starts[start]), replacement, value.AsSpan(starts[end]));
    }

    /// <summary>
    /// <c>${a//p/r}</c>, as Go's <c>Regexp.ReplaceAllString</c>: successive non-overlapping matches, an empty match
    /// right after a match is skipped, and the replacement is a Go template in which <c>$0</c> is the match,
    /// <c>$$</c> a dollar, and any other <c>$name</c> empty. (Only a <c>$</c> that survived expansion, from an
    /// escape or a variable's value, can get there.)
    /// </summary>
    public string ReplaceAll(string value, string replacement)
    {
        Debug.Assert(!_fromEnd, "replacement patterns are parsed forward");
        int[] runes = ToCodePoints(value, out int[] starts);
        var result = new StringBuilder(value.Length);
        int lastMatchEnd = 0;
        int searchFrom = 0;
        while (searchFrom <= runes.Length)
        {
            (int start, int end) = FindLeftmostLongest(runes, searchFrom);
            if (start < 0)
                break;
            result.Append(value, starts[lastMatchEnd], starts[start] - starts[lastMatchEnd]);
            if (end > lastMatchEnd || start == 0)
                AppendExpanded(result, replacement, value[starts[start]..starts[end]]);
            lastMatchEnd = end;
            searchFrom = searchFrom + 1 > end ? searchFrom + 1 : end;   // always advance at least one character
        }

        result.Append(value, starts[lastMatchEnd], value.Length - starts[lastMatchEnd]);
        return result.ToString();
    }

    /// <summary>
    /// BuildKit's <c>reversePattern</c>: reverses the code points but keeps each <c>\x</c> pair as <c>\x</c>. A
    /// lone trailing <c>\</c> is reversed on its own, as BuildKit does.
    /// </summary>
    private static int[] ReversePattern(int[] pattern)
    {
        var reversed = new int[pattern.Length];
        int last = pattern.Length - 1;
        for (int i = 0; i <= last;)
        {
            int target = last - i;
            if (pattern[i] == '\\' && i != last)
            {
                reversed[target - 1] = '\\';
                reversed[target] = pattern[i + 1];
                i += 2;
            }
            else
            {
                reversed[target] = pattern[i];
                i++;
            }
        }

        return reversed;
    }

    /// <summary>The length of the shortest (or longest) prefix of <paramref name="runes"/> that matches, or -1.</summary>
    private int MatchPrefix(int[] runes, bool longest)
    {
        int stateCount = _tokens.Length + 1;
        var current = new bool[stateCount];
        var next = new bool[stateCount];
        AddState(current, 0);
        int matched = -1;
        for (int i = 0; ; i++)
        {
            if (current[_tokens.Length])
            {
                matched = i;
                if (!longest)
                    return matched;
            }

            if (i == runes.Length)
                return matched;

            Array.Clear(next);
            bool alive = false;
            for (int state = 0; state < _tokens.Length; state++)
            {
                if (current[state] && TryStep(state, runes[i], out int target))
                {
                    AddState(next, target);
                    alive = true;
                }
            }

            if (!alive)
                return matched;
            (current, next) = (next, current);
        }
    }

    /// <summary>
    /// The leftmost match starting at or after <paramref name="from"/>, and of those the longest, or (-1, -1).
    /// Go's leftmost-first search with greedy stars finds the same one. Each state keeps the smallest start of
    /// the threads that reached it: their futures are the same, and the smaller start wins.
    /// </summary>
    private (int Start, int End) FindLeftmostLongest(int[] runes, int from)
    {
        int stateCount = _tokens.Length + 1;
        var current = new int[stateCount];
        var next = new int[stateCount];
        Array.Fill(current, Absent);
        (int Start, int End) best = (Absent, Absent);
        for (int i = from; ; i++)
        {
            if (best.Start == Absent)
                AddState(current, 0, i);

            int accepted = current[_tokens.Length];
            if (accepted != Absent && (best.Start == Absent || accepted <= best.Start))
                best = (accepted, i);

            if (i == runes.Length)
                return best;

            Array.Fill(next, Absent);
            bool alive = false;
            for (int state = 0; state < _tokens.Length; state++)
            {
                int start = current[state];
                if (start == Absent || (best.Start != Absent && start > best.Start))
                    continue;
                if (TryStep(state, runes[i], out int target))
                {
                    AddState(next, target, start);
                    alive = true;
                }
            }

            if (!alive && best.Start != Absent)
                return best;
            (current, next) = (next, current);
        }
    }

    private bool TryStep(int state, int rune, out int target)
    {
        int token = _tokens[state];
        // Go's '.' does not match '\n' unless the s flag is set, and BuildKit does not set it.
        bool matches = token switch
        {
            AnyString => rune != '\n',
            AnyCharacter => rune != '\n',
            _ => token == rune,
        };
        target = token == AnyString ? state : state + 1;
        return matches;
    }

    /// <summary>Adds a state and, because '*' may match nothing, the states after each '*' that follows it.</summary>
    private void AddState(bool[] states, int state)
    {
        while (!states[state])
        {
            states[state] = true;
            if (state == _tokens.Length || _tokens[state] != AnyString)
                return;
            state++;
        }
    }

    private void AddState(int[] starts, int state, int start)
    {
        while (starts[state] == Absent || start < starts[state])
        {
            starts[state] = start;
            if (state == _tokens.Length || _tokens[state] != AnyString)
                return;
            state++;
        }
    }

    /// <summary>Go's <c>Regexp.Expand</c> for a pattern without groups: only <c>$0</c> / <c>${0}</c> has a value.</summary>
    private static void AppendExpanded(StringBuilder result, string template, string match)
    {
        int i = 0;
        while (true)
        {
            int dollar = template.IndexOf('$', i);
            if (dollar < 0)
            {
                result.Append(template, i, template.Length - i);
                return;
            }

            result.Append(template, i, dollar - i);
            i = dollar + 1;
            if (i < template.Length && template[i] == '$')
            {
                result.Append('$');
                i++;
                continue;
            }

            if (!TryReadTemplateName(template, i, out string? name, out int rest))
            {
                result.Append('$');   // malformed: Go keeps the '$' as text
                continue;
            }

            i = rest;
            if (name == "0")
                result.Append(match);
        }
    }

    // Go's regexp "extract": a name of letters, digits and '_', optionally in braces.
    private static bool TryReadTemplateName(string template, int i, [NotNullWhen(true)] out string? name, out int rest)
    {
        bool brace = i < template.Length && template[i] == '{';
        int start = brace ? i + 1 : i;
        int end = start;
        while (end < template.Length)
        {
            Rune.DecodeFromUtf16(template.AsSpan(end), out Rune rune, out int length);
            if (!Rune.IsLetterOrDigit(rune) && rune.Value != '_')
                break;
            end += length;
        }

        name = null;
        rest = end;
        if (end == start)
            return false;
        if (brace)
        {
            if (end >= template.Length || template[end] != '}')
                return false;
            rest = end + 1;
        }

        name = template[start..end];
        return true;
    }

    // A lone surrogate is not a valid argument to char.ConvertFromUtf32.
    private static string CodePointToString(int codePoint) =>
        codePoint <= char.MaxValue ? ((char)codePoint).ToString() : char.ConvertFromUtf32(codePoint);

    /// <summary>
    /// The code points of <paramref name="text"/>, and the UTF-16 index where each starts (one more entry for
    /// the end). A lone surrogate counts as one character.
    /// </summary>
    private static int[] ToCodePoints(string text, out int[] starts)
    {
        var runes = new List<int>(text.Length);
        var offsets = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length;)
        {
            offsets.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                runes.Add(char.ConvertToUtf32(text[i], text[i + 1]));
                i += 2;
            }
            else
            {
                runes.Add(text[i]);
                i++;
            }
        }

        offsets.Add(text.Length);
        starts = [.. offsets];
        return [.. runes];
    }
}
