using System.Text;

namespace Builder.Cli.Compose;

/// <summary>
/// Compose's variable interpolation (compose spec, interpolation.md; compose-go's template package), for compose files
/// and <c>.env</c> values alike: <c>$$</c> is a literal <c>$</c>; <c>$VAR</c> and <c>${VAR}</c> the value (empty, with a
/// warning, when unset); <c>${VAR:-default}</c> / <c>${VAR-default}</c> the default when unset or empty / unset;
/// <c>${VAR:?error}</c> / <c>${VAR?error}</c> an error when unset or empty / unset; <c>${VAR:+replacement}</c> /
/// <c>${VAR+replacement}</c> the replacement when set and not empty / set. Defaults, errors and replacements are
/// themselves interpolated, so <c>${A:-${B}}</c> nests. Any other <c>$</c> is an invalid template, as in compose.
/// It is not the Dockerfile's expander: the grammars differ (compose has no <c>\$</c> escape, and <c>$$</c> is one).
/// </summary>
internal static class ComposeInterpolation
{
    /// <summary>Interpolates <paramref name="text"/>.</summary>
    /// <param name="text">The value as written.</param>
    /// <param name="lookup">A variable's value, or null when it is not set.</param>
    /// <param name="unset">Told the name of each variable used without a value and without a default.</param>
    /// <exception cref="FormatException">An invalid template, or a <c>${VAR:?error}</c> whose variable has no value.</exception>
    public static string Interpolate(string text, Func<string, string?> lookup, Action<string>? unset = null)
    {
        if (!text.Contains('$', StringComparison.Ordinal)) return text;
        var builder = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c != '$') { builder.Append(c); i++; continue; }
            if (i + 1 < text.Length && text[i + 1] == '$') { builder.Append('$'); i += 2; continue; }
            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                int close = ClosingBrace(text, i + 2);
                if (close < 0) throw Invalid(text, "a '${' without its closing '}'");
                builder.Append(Braced(text[(i + 2)..close], text, lookup, unset));
                i = close + 1;
                continue;
            }
            int end = NameEnd(text, i + 1);
            if (end == i + 1) throw Invalid(text, $"'$' is followed by {(i + 1 < text.Length ? $"'{text[i + 1]}'" : "nothing")}; write $$ for a literal $");
            string name = text[(i + 1)..end];
            builder.Append(Value(name, lookup, unset));
            i = end;
        }
        return builder.ToString();
    }

    // The '}' that closes a '${' whose body starts at start, counting the '${' nested in it.
    private static int ClosingBrace(string text, int start)
    {
        int depth = 1;
        for (int i = start; i < text.Length; i++)
        {
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '$') { i++; continue; }
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{') { depth++; i++; continue; }
            if (text[i] == '}' && --depth == 0) return i;
        }
        return -1;
    }

    // compose-go's names: [_a-zA-Z][_a-zA-Z0-9]*.
    private static int NameEnd(string text, int start)
    {
        if (start >= text.Length || !(char.IsAsciiLetter(text[start]) || text[start] == '_')) return start;
        int i = start + 1;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
        return i;
    }

    private static string Braced(string body, string text, Func<string, string?> lookup, Action<string>? unset)
    {
        int end = NameEnd(body, 0);
        if (end == 0) throw Invalid(text, $"'${{{body}}}' does not start with a variable name");
        string name = body[..end];
        if (end == body.Length) return Value(name, lookup, unset);
        string rest = body[end..];
        bool colon = rest[0] == ':';
        string op = colon ? rest[..Math.Min(2, rest.Length)] : rest[..1];
        string argument = rest[op.Length..];
        string? value = lookup(name);
        bool missing = colon ? string.IsNullOrEmpty(value) : value is null;
        switch (op)
        {
            case ":-" or "-":
                return missing ? Interpolate(argument, lookup, unset) : value!;
            case ":?" or "?":
                if (missing) throw new FormatException($"required variable {name} is missing a value: {Interpolate(argument, lookup, unset)}");
                return value!;
            case ":+" or "+":
                return missing ? "" : Interpolate(argument, lookup, unset);
            default:
                throw Invalid(text, $"'${{{body}}}' has no operator compose knows (:- - :? ? :+ +)");
        }
    }

    private static string Value(string name, Func<string, string?> lookup, Action<string>? unset)
    {
        if (lookup(name) is { } value) return value;
        unset?.Invoke(name);
        return "";
    }

    private static FormatException Invalid(string text, string what) => new($"invalid interpolation in '{text}': {what}");
}
