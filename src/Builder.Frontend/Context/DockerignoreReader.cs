using System.Collections.Immutable;
using System.Text;
using Builder.Filesystem.Patterns;
using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Context;

/// <summary>
/// Reads a <c>.dockerignore</c> file into compiled patterns, as BuildKit does with patternmatcher's
/// <c>ignorefile.ReadAll</c> followed by <c>patternmatcher.New</c>.
/// </summary>
internal static class DockerignoreReader
{
    // Go's bufio.Scanner stops with "token too long" at a line of 64 KiB (its default MaxScanTokenSize).
    private const int MaxLineBytes = 64 * 1024;

    /// <summary>
    /// Parses <paramref name="text"/>. Per line: a UTF-8 BOM is dropped from the first line; a line whose first
    /// character is <c>#</c> is a comment (only in column 1: <c>"  # x"</c> is the pattern <c># x</c>); whitespace
    /// is trimmed and blank lines skipped; a leading <c>!</c> marks an exception, and whitespace after it is
    /// trimmed too; the rest is cleaned with <c>filepath.Clean</c> and a leading <c>/</c> removed, so
    /// <c>/foo</c> and <c>foo</c> are the same pattern relative to the context root.
    /// </summary>
    /// <param name="text">The file's content.</param>
    /// <param name="fileName">The file's name as shown in errors, for example <c>.dockerignore</c>.</param>
    /// <exception cref="DockerfileException">A line is not a valid pattern.</exception>
    public static ImmutableArray<PathPattern> Read(string text, string fileName)
    {
        var patterns = ImmutableArray.CreateBuilder<PathPattern>();
        int lineNumber = 0;
        foreach (string rawLine in SplitLines(text))
        {
            lineNumber++;
            string line = lineNumber == 1 && rawLine.StartsWith('\uFEFF') ? rawLine[1..] : rawLine;
            if (Encoding.UTF8.GetByteCount(rawLine) >= MaxLineBytes)
                throw new DockerfileException(new DockerfileDiagnostic(
                    PatternErrorCodes.LineTooLong, SourceSpan.At(fileName, lineNumber, 1), "",
                    $"line {lineNumber} is {Encoding.UTF8.GetByteCount(rawLine)} bytes long, and BuildKit reads at most {MaxLineBytes - 1}",
                    "split the pattern, or match the long name with a shorter pattern using * or ?"));
            if (line.StartsWith('#'))
                continue;
            string pattern = line.Trim();
            if (pattern.Length == 0)
                continue;
            bool isException = pattern[0] == '!';
            if (isException)
                pattern = pattern[1..].Trim();
            if (pattern.Length > 0)
            {
                pattern = GoPath.Clean(pattern);
                if (pattern.Length > 1 && pattern[0] == '/')
                    pattern = pattern[1..];
            }
            if (isException)
                pattern = "!" + pattern;

            int startColumn = line.Length - line.TrimStart().Length + 1;
            int endColumn = line.TrimEnd().Length;
            var span = new SourceSpan(fileName, lineNumber, startColumn, lineNumber, endColumn);
            PathPattern? compiled;
            try
            {
                compiled = PathPattern.Create(pattern);
            }
            catch (PatternException e)
            {
                throw new DockerfileException(new DockerfileDiagnostic(e.Code, span, "", e.Message, e.Hint));
            }
            if (compiled is not null)
                patterns.Add(compiled);
        }
        return patterns.ToImmutable();
    }

    // bufio.ScanLines: split at '\n', drop one '\r' before it, and no empty line after a final '\n'.
    private static IEnumerable<string> SplitLines(string text)
    {
        int start = 0;
        while (start < text.Length)
        {
            int newline = text.IndexOf('\n', start);
            int end = newline < 0 ? text.Length : newline;
            int contentEnd = newline >= 0 && end > start && text[end - 1] == '\r' ? end - 1 : end;
            yield return text[start..contentEnd];
            start = end + 1;
        }
    }
}
