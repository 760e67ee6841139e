using System.Collections.Immutable;
using System.Text;
using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Syntax;

/// <summary>
/// Reads the bodies of the heredocs an instruction opened: the lines after it, up to each terminator in turn.
/// </summary>
internal static class HeredocBodies
{
    public static InstructionSyntax Read(InstructionSyntax instruction, SourceLines lines)
    {
        // ONBUILD's heredocs belong to the instruction inside it (BuildKit's heredocCompoundDirectives).
        InstructionSyntax owner = instruction.Subcommand ?? instruction;
        if (owner.Heredocs.IsDefaultOrEmpty) return instruction;

        var bodies = ImmutableArray.CreateBuilder<Heredoc>(owner.Heredocs.Length);
        int lastLine = instruction.Span.EndLine;
        foreach (Heredoc heredoc in owner.Heredocs)
        {
            var content = new StringBuilder();
            bool terminated = false;
            int startLine = lastLine + 1;
            while (lines.TryNext(out string line, out int number))
            {
                lastLine = number;
                string candidate = heredoc.Chomp ? line.TrimStart('\t') : line;
                if (candidate == heredoc.Name)
                {
                    terminated = true;
                    break;
                }
                content.Append(line).Append('\n');
            }
            if (!terminated)
            {
                throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.UnterminatedHeredoc,
                    instruction.Span, instruction.Text,
                    $"unterminated heredoc '{heredoc.Name}' opened on line {instruction.Span.StartLine}: no line '{heredoc.Name}' ends it",
                    $"add a line holding only {heredoc.Name} after the heredoc's body"));
            }
            bodies.Add(heredoc with { Content = content.ToString(), StartLine = startLine });
        }

        if (instruction.Subcommand is not null)
        {
            return instruction with { Subcommand = owner with { Heredocs = bodies.ToImmutable(), LastLine = lastLine }, LastLine = lastLine };
        }
        return instruction with { Heredocs = bodies.ToImmutable(), LastLine = lastLine };
    }
}
