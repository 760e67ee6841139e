using Builder.Frontend.Diagnostics;

namespace Builder.Cli.Output;

/// <summary>
/// Prints a <see cref="DockerfileDiagnostic"/> the way compilers do: <c>file:line:col: error CODE: message</c>,
/// the offending line with a caret under the span, and the hint.
/// </summary>
internal static class DiagnosticPrinter
{
    public static void Print(TextWriter writer, DockerfileDiagnostic diagnostic, string? sourceText)
    {
        string severity = diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        // The file's text is shown, never acted on: its control characters are escaped (TerminalText), the caret
        // placed under the escaped span.
        writer.WriteLine($"{TerminalText.Escape(diagnostic.Span.ToString())}: {severity} {diagnostic.Code}: {TerminalText.EscapeLines(diagnostic.Message)}");
        string? line = LineOf(sourceText, diagnostic.Span.StartLine);
        if (line is not null)
        {
            string number = diagnostic.Span.StartLine.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string gutter = new(' ', number.Length + 4);
            int start = Math.Clamp(diagnostic.Span.StartColumn, 1, line.Length + 1);
            int end = diagnostic.Span.EndLine == diagnostic.Span.StartLine
                ? Math.Clamp(diagnostic.Span.EndColumn, start, Math.Max(start, line.Length))
                : Math.Max(start, line.Length);
            line = line.Replace('\t', ' ');
            int before = TerminalText.Escape(line[..(start - 1)]).Length;
            int width = Math.Max(1, TerminalText.Escape(line[(start - 1)..Math.Min(end, line.Length)]).Length);
            writer.WriteLine($"   {number} | {TerminalText.Escape(line)}");
            writer.WriteLine($"{gutter}| {new string(' ', before)}{new string('^', width)}");
        }
        if (diagnostic.Hint is not null) writer.WriteLine($"  hint: {TerminalText.EscapeLines(diagnostic.Hint)}");
    }

    private static string? LineOf(string? text, int number)
    {
        if (text is null || number < 1) return null;
        if (text.StartsWith('\uFEFF')) text = text[1..];
        int start = 0;
        for (int i = 1; i < number; i++)
        {
            start = text.IndexOf('\n', start) + 1;
            if (start == 0) return null;
        }
        int end = text.IndexOf('\n', start);
        string line = end < 0 ? text[start..] : text[start..end];
        return line.TrimEnd('\r');
    }
}
