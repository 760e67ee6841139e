using System.Collections.Immutable;
using System.Text;

namespace Builder.Cli.Options;

/// <summary>
/// The value of a <c>key=value,…</c> flag (<c>--output</c>, <c>--cache-to</c>, <c>--cache-from</c>, <c>--secret</c>,
/// <c>--ssh</c>), read as docker buildx reads it: one CSV record by Go's <c>encoding/csv</c> rules (buildx uses
/// <c>github.com/tonistiigi/go-csvvalue</c>, which keeps them). A field that starts with <c>"</c> is quoted and may
/// hold commas; inside it <c>""</c> is a quote, and its closing quote must end the field. A quote anywhere else is
/// an error, as are an unterminated quoted field and an empty value. So a secret file whose path has a comma is
/// written <c>--secret 'id=a,"src=/path/with,comma"'</c>.
/// </summary>
internal sealed class CsvOptionList
{
    private CsvOptionList(string flag, string text, ImmutableArray<CsvOption> options) => (Flag, Text, Options) = (flag, text, options);

    /// <summary>The flag the value was given with, for errors: <c>--output</c>.</summary>
    public string Flag { get; }

    /// <summary>The value as written.</summary>
    public string Text { get; }

    /// <summary>The fields in order; a key may repeat.</summary>
    public ImmutableArray<CsvOption> Options { get; }

    /// <summary>The value of the last <paramref name="key"/> field (buildx keeps the last), or <see langword="null"/>.</summary>
    public string? LastValue(string key)
    {
        for (int i = Options.Length - 1; i >= 0; i--)
            if (Options[i].Key == key) return Options[i].Value;
        return null;
    }

    /// <summary>Reads <paramref name="text"/> as fields that are all <c>key=value</c>.</summary>
    /// <exception cref="FormatException">A quoting error, or a field without <c>=</c>; the message names <paramref name="flag"/> and the field.</exception>
    public static CsvOptionList Parse(string flag, string text)
    {
        var options = ImmutableArray.CreateBuilder<CsvOption>();
        foreach (string field in SplitFields(flag, text))
        {
            int equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new FormatException($"{flag} '{text}': '{field}' is not key=value");
            options.Add(new CsvOption(field[..equals].Trim().ToLowerInvariant(), field[(equals + 1)..]));
        }
        return new CsvOptionList(flag, text, options.ToImmutable());
    }

    /// <summary>
    /// Writes <c>key=value</c> as one field that <see cref="Parse"/> reads back: quoted, with its quotes doubled,
    /// when it holds a comma or a quote.
    /// </summary>
    public static string FormatField(string key, string value)
    {
        string field = $"{key}={value}";
        return field.AsSpan().IndexOfAny(',', '"') >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
    }

    /// <summary>Splits <paramref name="text"/> into its CSV fields, unquoted.</summary>
    /// <exception cref="FormatException">An empty value or a quoting error; the message names <paramref name="flag"/> and where.</exception>
    public static ImmutableArray<string> SplitFields(string flag, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // go-csvvalue allows one trailing newline, and an empty record is io.EOF: an error to buildx.
        string line = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        if (line.Length == 0) throw new FormatException($"{flag} is empty: write key=value[,key=value…]");
        var fields = ImmutableArray.CreateBuilder<string>();
        int position = 0;
        while (true)
        {
            if (position < line.Length && line[position] == '"')
            {
                position = ReadQuoted(flag, line, position, fields);
            }
            else
            {
                int comma = line.IndexOf(',', position);
                string field = comma < 0 ? line[position..] : line[position..comma];
                if (field.Contains('"', StringComparison.Ordinal))
                    throw new FormatException($"{flag} '{text}': the quote in '{field}' must start the field: write \"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
                fields.Add(field);
                position = comma < 0 ? line.Length : comma;
            }
            if (position == line.Length) return fields.ToImmutable();
            position++;   // the comma
        }
    }

    // Reads the quoted field that starts at line[start] and returns the position after its closing quote (a comma or the end).
    private static int ReadQuoted(string flag, string line, int start, ImmutableArray<string>.Builder fields)
    {
        var field = new StringBuilder();
        int position = start + 1;
        while (true)
        {
            int quote = line.IndexOf('"', position);
            if (quote < 0)
                throw new FormatException($"{flag} '{line}': the quoted field {line[start..]} has an unterminated quote");
            field.Append(line, position, quote - position);
            position = quote + 1;
            if (position < line.Length && line[position] == '"')
            {
                field.Append('"');
                position++;
            }
            else if (position == line.Length || line[position] == ',')
            {
                fields.Add(field.ToString());
                return position;
            }
            else
            {
                int end = line.IndexOf(',', position);
                throw new FormatException($"{flag} '{line}': in {line[start..(end < 0 ? line.Length : end)]} a quote ends the field, so nothing may follow it: quote the whole field, and write a quote inside it as \"\"");
            }
        }
    }
}
