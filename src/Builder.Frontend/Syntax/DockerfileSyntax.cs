using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Syntax;

/// <summary>A parsed Dockerfile: its directives and instructions in file order, and the parser's warnings.</summary>
/// <param name="File">The name diagnostics use for the file.</param>
/// <param name="Directives">The parser directives.</param>
/// <param name="Instructions">Every instruction, in file order.</param>
/// <param name="Warnings">Things BuildKit's parser warns about (an empty continuation line...).</param>
public sealed record DockerfileSyntax(
    string File,
    ParserDirectives Directives,
    ImmutableArray<InstructionSyntax> Instructions,
    ImmutableArray<DockerfileDiagnostic> Warnings);
