using System.Text;

namespace Builder.Cli.Compose;

/// <summary>
/// An environment file as compose reads it (<c>.env</c> in the project directory, or <c>--env-file</c>; compose's
/// env-file.md): <c>KEY=VALUE</c> lines, an optional <c>export </c> prefix, <c>#</c> comments (a whole line, or after a
/// space in an unquoted value), single-quoted values taken as written, double-quoted values with <c>\n</c>,
/// <c>\t</c>, <c>\\</c>, <c>\"</c> escapes and spanning lines, and a bare <c>KEY</c> taking the value the environment
/// has. Unquoted and double-quoted values are interpolated (<see cref="ComposeInterpolation"/>) with the variables
/// defined above them, then the environment.
/// </summary>
internal static class DotEnvFile
{
    /// <summary>The variables of <paramref name="path"/>, in file order.</summary>
    /// <param name="path">The file.</param>
    /// <param name="environment">The process environment, which interpolation falls back to.</param>
    /// <exception cref="FormatException">A line that is not a variable, with the file and line.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string path, Func<string, string?> environment)
    {
        string[] lines = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        string? Lookup(string name) => values.TryGetValue(name, out string? v) ? v : environment(name);
        for (int i = 0; i < lines.Length; i++)
        {
            int number = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            string name = (equals < 0 ? line : line[..equals]).Trim();
            if (!IsName(name))
                throw new FormatException($"{path}:{number}: '{name}' is not a variable name (letters, digits, '_', '.', '-', not starting with a digit)");
            string value;
            if (equals < 0)
            {
                if (environment(name) is not { } inherited) continue;
                value = inherited;
            }
            else
            {
                string raw = line[(equals + 1)..].TrimStart();
                if (raw.StartsWith('\''))
                {
                    int close = raw.IndexOf('\'', 1);
                    if (close < 0) throw new FormatException($"{path}:{number}: {name}'s value has no closing single quote");
                    value = raw[1..close];
                }
                else if (raw.StartsWith('"'))
                {
                    // A double-quoted value may go on over the next lines until its closing quote.
                    var text = new StringBuilder(raw[1..]);
                    int start = number;
                    while (ClosingQuote(text.ToString()) < 0)
                    {
                        if (++i >= lines.Length) throw new FormatException($"{path}:{start}: {name}'s value has no closing double quote");
                        text.Append('\n').Append(lines[i]);
                    }
                    string body = text.ToString();
                    value = ComposeInterpolation.Interpolate(Unescape(body[..ClosingQuote(body)]), Lookup);
                }
                else
                {
                    int comment = raw.IndexOf(" #", StringComparison.Ordinal);
                    value = ComposeInterpolation.Interpolate((comment >= 0 ? raw[..comment] : raw).TrimEnd(), Lookup);
                }
            }
            if (!values.ContainsKey(name)) order.Add(name);
            values[name] = value;
        }
        return [.. order.Select(n => new KeyValuePair<string, string>(n, values[n]))];
    }

    // compose-go's dotenv accepts these names (letters, digits, '_', '.', '-'), not starting with a digit.
    private static bool IsName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static int ClosingQuote(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] == '"') return i;
        }
        return -1;
    }

    private static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length) { builder.Append(text[i]); continue; }
            char next = text[++i];
            // \$ stays a literal $ through the interpolation that follows ($$); an unknown escape stays as written.
            builder.Append(next switch { 'n' => "\n", 't' => "\t", 'r' => "\r", '\\' => "\\", '"' => "\"", '$' => "$$", _ => "\\" + next });
        }
        return builder.ToString();
    }
}
