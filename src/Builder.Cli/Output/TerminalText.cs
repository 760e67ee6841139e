using System.Globalization;
using System.Text;

namespace Builder.Cli.Output;

/// <summary>
/// Text from a Dockerfile (instructions, step names, values quoted in errors) made safe for a terminal: every control
/// character but a tab (C0, DEL and C1, which start escape sequences that could move the cursor, retitle the window or
/// hide the text) is written as a visible escape, <c>\x1b</c>, so what the file holds is shown, never acted on.
/// </summary>
internal static class TerminalText
{
    /// <summary><paramref name="text"/> with its control characters (line breaks too) escaped.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(IsControl)) return text;
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (!IsControl(c)) escaped.Append(c);
            else if (c < 0x100) escaped.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            else escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        }
        return escaped.ToString();
    }

    /// <summary>Each line of <paramref name="text"/> escaped, the line breaks between them kept: for messages of several lines.</summary>
    public static string EscapeLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Join('\n', text.Split('\n').Select(line => Escape(line.TrimEnd('\r'))));
    }

    // C0 (but a tab), DEL and C1; the Unicode bidirectional overrides reorder what is shown, so they are escaped too.
    private static bool IsControl(char c) =>
        (c < 0x20 && c != '\t') || c is >= '\x7f' and <= '\x9f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';
}
