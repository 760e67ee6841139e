using System.Globalization;
using System.Text;

namespace Builder.Cli.Compose;

/// <summary>
/// Reads the YAML that compose files are written in: block mappings and sequences by indentation, plain, single- and
/// double-quoted scalars, flow sequences and mappings (<c>[a, b]</c>, <c>{k: v}</c>), comments and a leading
/// <c>---</c>. A mapping is a <see cref="Dictionary{TKey, TValue}"/> of string keys, a sequence a
/// <see cref="List{T}"/>, a scalar a string (null for <c>~</c>, <c>null</c> or nothing). Anchors, aliases, tags and
/// block scalars (<c>|</c>, <c>&gt;</c>) are not supported yet and say so with the line.
/// </summary>
internal sealed class YamlReader
{
    private readonly List<(int Number, int Indent, string Text)> _lines = [];
    private readonly string _file;
    private int _position;

    private YamlReader(string text, string file)
    {
        _file = file;
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = StripComment(lines[i]).TrimEnd();
            if (line.Trim().Length == 0 || (line == "---" && _lines.Count == 0)) continue;
            if (line.Contains('\t', StringComparison.Ordinal) && line.TrimStart(' ').StartsWith('\t'))
                throw Error(i + 1, "a tab in the indentation: YAML indents with spaces");
            _lines.Add((i + 1, line.Length - line.TrimStart(' ').Length, line.Trim()));
        }
    }

    /// <exception cref="FormatException">Not the YAML subset above, with the file and line.</exception>
    public static object? Read(string text, string file)
    {
        var reader = new YamlReader(text, file);
        if (reader._lines.Count == 0) return null;
        object? value = reader.ReadBlock(reader._lines[0].Indent);
        if (reader._position < reader._lines.Count)
            throw reader.Error(reader._lines[reader._position].Number, "unexpected indentation");
        return value;
    }

    private object? ReadBlock(int indent)
    {
        (int number, int lineIndent, string text) = _lines[_position];
        if (lineIndent != indent) throw Error(number, "unexpected indentation");
        return text == "-" || text.StartsWith("- ", StringComparison.Ordinal) ? ReadSequence(indent) : ReadMapping(indent);
    }

    private List<object?> ReadSequence(int indent)
    {
        var items = new List<object?>();
        while (_position < _lines.Count && _lines[_position].Indent == indent && (_lines[_position].Text == "-" || _lines[_position].Text.StartsWith("- ", StringComparison.Ordinal)))
        {
            (int number, _, string text) = _lines[_position];
            string rest = text.Length > 1 ? text[2..].TrimStart() : "";
            int restIndent = indent + (text.Length - text[1..].TrimStart().Length);
            if (rest.Length == 0)
            {
                _position++;
                items.Add(_position < _lines.Count && _lines[_position].Indent > indent ? ReadBlock(_lines[_position].Indent) : null);
            }
            else if (KeyOf(rest) is not null && !rest.StartsWith('"') && !rest.StartsWith('\'') && !rest.StartsWith('[') && !rest.StartsWith('{'))
            {
                // "- key: value" starts a mapping whose keys line up with "key".
                _lines[_position] = (number, restIndent, rest);
                items.Add(ReadMapping(restIndent));
            }
            else
            {
                _position++;
                items.Add(Scalar(rest, number));
            }
        }
        return items;
    }

    private Dictionary<string, object?> ReadMapping(int indent)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (_position < _lines.Count && _lines[_position].Indent == indent)
        {
            (int number, _, string text) = _lines[_position];
            if (text.StartsWith("- ", StringComparison.Ordinal) || text == "-") break;
            int separator = SeparatorOf(text);
            if (separator <= 0) throw Error(number, $"expected 'key: value', got '{text}'");
            string key = Unquote(text[..separator].Trim(), number);
            string rest = text[(separator + 1)..].Trim();
            if (map.ContainsKey(key)) throw Error(number, $"'{key}' appears twice in the same mapping");
            _position++;
            if (rest.Length > 0)
            {
                map[key] = Scalar(rest, number);
            }
            else if (_position < _lines.Count && (_lines[_position].Indent > indent
                || (_lines[_position].Indent == indent && _lines[_position].Text.StartsWith("- ", StringComparison.Ordinal))))
            {
                map[key] = ReadBlock(_lines[_position].Indent);
            }
            else
            {
                map[key] = null;
            }
        }
        return map;
    }

    private object? Scalar(string text, int line)
    {
        if (text.StartsWith('&') || text.StartsWith('*') || text.StartsWith('!'))
            throw Error(line, "not supported yet: YAML anchors, aliases and tags");
        if (text is "|" or ">" || text.StartsWith("|-", StringComparison.Ordinal) || text.StartsWith(">-", StringComparison.Ordinal) || text.StartsWith("|+", StringComparison.Ordinal))
            throw Error(line, "not supported yet: YAML block scalars (| and >)");
        if (text.StartsWith('[') || text.StartsWith('{'))
        {
            int index = 0;
            object? value = Flow(text, ref index, line);
            if (text[index..].Trim().Length > 0) throw Error(line, $"unexpected '{text[index..].Trim()}' after a flow collection");
            return value;
        }
        return text is "~" or "null" or "Null" or "NULL" ? null : Unquote(text, line);
    }

    private object? Flow(string text, ref int index, int line)
    {
        SkipSpaces(text, ref index);
        if (index >= text.Length) throw Error(line, "a flow collection ends early");
        char open = text[index];
        if (open is '[' or '{')
        {
            index++;
            var list = new List<object?>();
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            char close = open == '[' ? ']' : '}';
            while (true)
            {
                SkipSpaces(text, ref index);
                if (index >= text.Length) throw Error(line, $"missing '{close}'");
                if (text[index] == close) { index++; break; }
                if (open == '[')
                {
                    list.Add(Flow(text, ref index, line));
                }
                else
                {
                    string key = FlowScalar(text, ref index, line, ':');
                    if (index >= text.Length || text[index] != ':') throw Error(line, "expected ':' in a flow mapping");
                    index++;
                    map[key] = Flow(text, ref index, line);
                }
                SkipSpaces(text, ref index);
                if (index < text.Length && text[index] == ',') index++;
            }
            return open == '[' ? list : map;
        }
        string scalar = FlowScalar(text, ref index, line, ',');
        return scalar is "~" or "null" ? null : scalar;
    }

    private string FlowScalar(string text, ref int index, int line, char stop)
    {
        SkipSpaces(text, ref index);
        int start = index;
        if (index < text.Length && text[index] is '"' or '\'')
        {
            char quote = text[index++];
            while (index < text.Length && (text[index] != quote || (quote == '\'' && index + 1 < text.Length && text[index + 1] == '\'' && index++ >= 0))) index++;
            if (index >= text.Length) throw Error(line, "an unterminated quoted string");
            index++;
            return Unquote(text[start..index], line);
        }
        while (index < text.Length && text[index] != stop && text[index] != ',' && text[index] != ']' && text[index] != '}') index++;
        return text[start..index].Trim();
    }

    private static void SkipSpaces(string text, ref int index)
    {
        while (index < text.Length && text[index] == ' ') index++;
    }

    private string Unquote(string text, int line)
    {
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'') return text[1..^1].Replace("''", "'", StringComparison.Ordinal);
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') return Unescape(text[1..^1], line);
        if (text.StartsWith('"') || text.StartsWith('\'')) throw Error(line, "an unterminated quoted string");
        return text;
    }

    private string Unescape(string text, int line)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length) { builder.Append(text[i]); continue; }
            char next = text[++i];
            switch (next)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case '0': builder.Append('\0'); break;
                case 'u' when i + 4 < text.Length:
                    builder.Append((char)int.Parse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: throw Error(line, $"unknown escape '\\{next}' in a double-quoted string");
            }
        }
        return builder.ToString();
    }

    // The key of "key: value" or "key:" (the colon followed by a space or the end), quotes allowed; null otherwise.
    private static string? KeyOf(string text) => SeparatorOf(text) is > 0 and var colon ? text[..colon].Trim() : null;

    // Where the key's colon is, or -1.
    private static int SeparatorOf(string text)
    {
        int colon = text.IndexOf(':', KeyEnd(text));
        while (colon >= 0 && colon + 1 < text.Length && text[colon + 1] != ' ') colon = text.IndexOf(':', colon + 1);
        return colon;
    }

    private static int KeyEnd(string text)
    {
        if (text.Length > 0 && text[0] is '"' or '\'')
        {
            int close = text.IndexOf(text[0], 1);
            return close < 0 ? 0 : close;
        }
        return 0;
    }

    // A '#' starts a comment at the line start or after a space, outside quotes.
    private static string StripComment(string line)
    {
        char? quote = null;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote is null && c is '"' or '\'') quote = c;
            else if (quote == c) quote = null;
            else if (quote is null && c == '#' && (i == 0 || line[i - 1] == ' ')) return line[..i];
        }
        return line;
    }

    private FormatException Error(int line, string message) => new($"{_file}:{line}: {message}");
}
