using System.Collections.Immutable;
using System.Text;
using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Syntax;

/// <summary>
/// Turns Dockerfile text into <see cref="DockerfileSyntax"/> the way BuildKit's parser does: parser directives,
/// comments, line continuations (comment and empty lines inside them dropped), heredoc bodies, and per-instruction
/// argument splitting. Instructions are not checked here; that is <c>Instructions/</c>' job.
/// </summary>
public static class DockerfileParser
{
    /// <summary>Parses <paramref name="text"/>. Throws <see cref="DockerfileException"/> on bad input, nothing else.</summary>
    /// <param name="text">The Dockerfile's contents (a UTF-8 BOM and CRLF line ends are accepted).</param>
    /// <param name="file">The name diagnostics use for the file.</param>
    public static DockerfileSyntax Parse(string text, string file = "Dockerfile")
    {
        var lines = new SourceLines(text);
        var directives = new DirectiveReader(file);
        var instructions = ImmutableArray.CreateBuilder<InstructionSyntax>();
        var warnings = ImmutableArray.CreateBuilder<DockerfileDiagnostic>();
        // BuildKit's PrevComment: the comment lines since the last instruction (a bare '#' starts them again), which
        // --call targets shows as a stage's description and the InvalidDefinitionDescription check reads.
        var comments = new List<string>();

        while (lines.TryNext(out string raw, out int lineNumber))
        {
            string first = raw.TrimStart();
            bool directive = directives.Read(first, lineNumber);
            if (IsComment(first))
            {
                if (!directive) ReadComment(raw, comments);
                continue;
            }

            char escape = directives.EscapeToken;
            int leading = raw.Length - first.Length;
            var joined = new StringBuilder();
            var segments = new List<(int Offset, int Line, int Column)> { (0, lineNumber, leading + 1) };
            bool complete = !TryTrimContinuation(first, escape, out string content);
            joined.Append(complete ? first : content);
            if (complete && joined.Length == 0) continue;

            int lastLine = lineNumber;
            bool hasEmptyContinuationLine = false;
            while (!complete && lines.TryNext(out string next, out int nextNumber))
            {
                lastLine = nextNumber;
                string trimmed = next.TrimStart();
                if (IsComment(trimmed)) continue;
                if (trimmed.Length == 0)
                {
                    hasEmptyContinuationLine = true;
                    continue;
                }
                // BuildKit keeps leading whitespace on continuation lines: see conformance case "continueIndent".
                complete = !TryTrimContinuation(next, escape, out content);
                segments.Add((joined.Length, nextNumber, 1));
                joined.Append(complete ? next : content);
            }

            var map = new LineMap(file, segments);
            string instructionText = joined.ToString();
            var builder = new InstructionSyntaxBuilder(file, escape, map);
            InstructionSyntax instruction = builder.Build(instructionText, lineNumber, lastLine, lines.LineLength(lastLine));
            if (hasEmptyContinuationLine)
            {
                warnings.Add(new DockerfileDiagnostic(DiagnosticCodes.EmptyContinuationLine, instruction.Span,
                    instructionText, "empty continuation line found in this instruction",
                    "remove the empty line, or end it with the escape character; empty continuation lines will become errors",
                    DiagnosticSeverity.Warning));
            }
            instructions.Add(HeredocBodies.Read(instruction, lines) with { Comments = [.. comments] });
            comments.Clear();
        }

        if (instructions.Count == 0)
        {
            throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.EmptyDockerfile,
                SourceSpan.At(file, 1, 1), string.Empty, "the Dockerfile has no instructions",
                "start it with a FROM instruction, for example: FROM alpine:3.20"));
        }
        return new DockerfileSyntax(file, directives.Directives, instructions.ToImmutable(), warnings.ToImmutable());
    }

    // BuildKit's parser takes the text after the line's first character, trimmed, so an indented comment keeps its '#'.
    private static void ReadComment(string raw, List<string> comments)
    {
        string comment = raw[1..].Trim();
        if (comment.Length == 0) comments.Clear();
        else comments.Add(comment);
    }

    // BuildKit: a line whose first non-blank character is '#' is a comment (also inside a continuation).
    private static bool IsComment(string trimmedLine) => trimmedLine.StartsWith('#');

    /// <summary>
    /// BuildKit's continuation rule: the escape token at the end of the line (spaces and tabs after it allowed)
    /// continues the line, unless it is itself escaped (<c>a\\</c> does not continue: conformance case
    /// "trailing-backslash"). The escape token alone on a line continues it with nothing.
    /// </summary>
    private static bool TryTrimContinuation(string line, char escape, out string content)
    {
        string end = line.TrimEnd(' ', '\t');
        content = line;
        if (end.Length == 0 || end[^1] != escape) return false;
        if (end.Length >= 2 && end[^2] == escape) return false;
        content = end[..^1];
        return true;
    }
}
