using System.Text;
using System.Text.Json;
using Builder.Frontend.Checks;
using Builder.Frontend.Diagnostics;

namespace Builder.Cli.Output;

/// <summary>
/// Prints build-check warnings as buildx does: <c>--check</c>'s report (commands/build.go printResult for "lint",
/// BuildKit's lint.PrintTo) and the summary after a build (printWarnings, in its expanded form), each with the
/// excerpt BuildKit's errdefs.Source.Print shows.
/// </summary>
internal static class CheckPrinter
{
    /// <summary>The <c>--call check</c> report: "Check complete…", then each warning in line order.</summary>
    public static void PrintReport(TextWriter writer, IReadOnlyList<CheckWarning> warnings, string dockerfileText, string fileName)
    {
        if (warnings.Count == 0)
        {
            writer.WriteLine("Check complete, no warnings found.");
            return;
        }
        writer.WriteLine(warnings.Count == 1 ? "Check complete, 1 warning has been found!" : $"Check complete, {warnings.Count} warnings have been found!");
        foreach (CheckWarning warning in warnings.OrderBy(w => w.Location.StartLine))
        {
            writer.Write($"\nWARNING: {warning.Rule.Name}");
            if (warning.Rule.Url is { } url) writer.Write($" - {url}");
            writer.Write($"\n{TerminalText.EscapeLines(warning.Detail)}\n");
            PrintSource(writer, warning.Location with { File = fileName }, dockerfileText);
        }
    }

    /// <summary>
    /// <c>--call check,format=json</c>: BuildKit's lint result (warnings with rule, description, url, detail and
    /// location; the Dockerfile as its one source).
    /// </summary>
    public static void PrintJson(TextWriter writer, IReadOnlyList<CheckWarning> warnings, string dockerfileText, string fileName, string? buildError)
    {
        JsonOutput.WriteLine(writer, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("warnings");
            foreach (CheckWarning warning in warnings)
            {
                json.WriteStartObject();
                json.WriteString("ruleName", warning.Rule.Name);
                json.WriteString("description", warning.Rule.Description);
                if (warning.Rule.Url is { } url) json.WriteString("url", url);
                json.WriteString("detail", warning.Detail);
                json.WriteStartObject("location");
                json.WriteNumber("sourceIndex", 0);
                json.WriteStartArray("ranges");
                json.WriteStartObject();
                json.WriteStartObject("start");
                json.WriteNumber("line", warning.Location.StartLine);
                json.WriteEndObject();
                json.WriteStartObject("end");
                json.WriteNumber("line", warning.Location.EndLine);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("sources");
            json.WriteStartObject();
            json.WriteString("filename", fileName);
            json.WriteString("language", "Dockerfile");
            json.WriteBase64String("data", Encoding.UTF8.GetBytes(dockerfileText));
            json.WriteEndObject();
            json.WriteEndArray();
            if (buildError is not null)
            {
                json.WriteStartObject("buildError");
                json.WriteString("message", buildError);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }, indented: true);
    }

    /// <summary>After a build (buildx's printWarnings, expanded): the count, then each warning with its rule page and excerpt.</summary>
    public static void PrintSummary(TextWriter writer, IReadOnlyList<CheckWarning> warnings, Func<string, string?> dockerfileText)
    {
        if (warnings.Count == 0) return;
        writer.Write("\n ");
        writer.WriteLine(warnings.Count == 1 ? "1 warning found:" : $"{warnings.Count} warnings found:");
        foreach (CheckWarning warning in warnings)
        {
            writer.WriteLine($" - {TerminalText.EscapeLines(warning.Short)}");
            writer.WriteLine(warning.Rule.Description);
            if (warning.Rule.Url is { } url) writer.WriteLine($"More info: {url}");
            if (dockerfileText(warning.Location.File) is { } text) PrintSource(writer, warning.Location, text);
            writer.WriteLine();
        }
    }

    // errdefs.Source.Print: the lines around the location (two each side for a range, four in all for one line),
    // the location's lines marked ">>>".
    private static void PrintSource(TextWriter writer, SourceSpan location, string text)
    {
        string[] lines = text.Split('\n');
        int start = location.StartLine, end = Math.Max(location.EndLine, start);
        if (start < 1 || start > lines.Length) return;
        end = Math.Min(end, lines.Length);
        int pad = end == start ? 4 : 2, padded = 0, firstLine = start;
        while (padded < pad)
        {
            if (start > 1) { start--; padded++; }
            if (end != lines.Length) { end++; padded++; }
            padded++;
        }
        writer.Write($"{TerminalText.Escape(location.File)}:{firstLine}\n--------------------\n");
        for (int i = start; i <= end; i++)
        {
            string marker = i >= location.StartLine && i <= Math.Max(location.EndLine, location.StartLine) ? ">>>" : "   ";
            writer.Write($" {i,3} | {marker} {TerminalText.Escape(lines[i - 1].TrimEnd('\r'))}\n");
        }
        writer.Write("--------------------\n");
    }
}
