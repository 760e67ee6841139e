namespace Builder.Frontend.Context;

/// <summary>
/// Raised inside the Context namespace when a pattern cannot be compiled. <see cref="PathPattern"/> turns it into
/// a <see cref="Diagnostics.DockerfileException"/> that points at the pattern as the user wrote it.
/// </summary>
internal sealed class PatternCompileException(string code, string problem) : Exception(problem)
{
    /// <summary>One of <see cref="ContextDiagnosticCodes"/>.</summary>
    public string Code { get; } = code;
}
