using System.Globalization;

namespace Builder.Cli.Output;

/// <summary>
/// The lines of a Dockerfile around a failed instruction, as buildx prints them under a failed build (BuildKit's
/// solver/errdefs/source.go, <c>Source.Print</c>): the file and first line, then the lines with <c>&gt;&gt;&gt;</c> on
/// the instruction's and a few around it, between dashed rules.
/// <code>
/// Dockerfile:9
/// --------------------
///    8 |     WORKDIR /src
///    9 | >>> RUN make
///   10 |
/// --------------------
/// </code>
/// </summary>
internal static class DockerfileExcerpt
{
    /// <summary>Writes the excerpt of <paramref name="text"/> (the file <paramref name="file"/>) for lines <paramref name="startLine"/>–<paramref name="endLine"/>.</summary>
    public static void Print(TextWriter writer, string file, string text, int startLine, int endLine)
    {
        // Split as Go's strings.Split does: a file ending in a newline has an empty last line, which may be shown.
        string[] lines = text.Split('\n');
        int start = startLine, end = Math.Max(startLine, endLine);
        if (start > lines.Length || start < 1) return;
        if (end > lines.Length) end = lines.Length;
        // Source.Print's padding: two lines of context in all, or four around a one-line instruction, taken before
        // and after in turn (the loop counts a turn even when neither side can grow).
        int pad = end == start ? 4 : 2;
        for (int p = 0; p < pad; p++)
        {
            if (start > 1)
            {
                start--;
                p++;
            }
            if (end != lines.Length)
            {
                end++;
                p++;
            }
        }
        writer.WriteLine($"{TerminalText.Escape(file)}:{startLine.ToString(CultureInfo.InvariantCulture)}");
        writer.WriteLine("--------------------");
        for (int i = start; i <= end; i++)
        {
            string marker = i >= startLine && i <= Math.Max(startLine, endLine) ? ">>>" : "   ";
            writer.WriteLine($" {i.ToString(CultureInfo.InvariantCulture),3} | {marker} {TerminalText.Escape(lines[i - 1].TrimEnd('\r'))}");
        }
        writer.WriteLine("--------------------");
    }
}
