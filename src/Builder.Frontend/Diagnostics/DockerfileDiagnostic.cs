namespace Builder.Frontend.Diagnostics;

/// <summary>
/// One problem found in a Dockerfile or its build context, with what a person needs to fix it.
/// </summary>
/// <param name="Code">Stable code: IB1xxx syntax and instructions, IB2xxx build context, IB19xx not supported yet.</param>
/// <param name="Span">Where the problem is.</param>
/// <param name="Instruction">The instruction as written, continuation lines joined; empty when not inside one.</param>
/// <param name="Message">One sentence that quotes the offending value.</param>
/// <param name="Hint">What to write instead, when that is known.</param>
/// <param name="Severity">Errors stop the build; warnings are reported and the build goes on.</param>
public sealed record DockerfileDiagnostic(
    string Code,
    SourceSpan Span,
    string Instruction,
    string Message,
    string? Hint = null,
    DiagnosticSeverity Severity = DiagnosticSeverity.Error);
