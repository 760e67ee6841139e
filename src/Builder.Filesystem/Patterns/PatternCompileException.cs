namespace Builder.Filesystem.Patterns;

/// <summary>
/// Raised inside the Context namespace when a pattern cannot be compiled. <see cref="PathPattern"/> turns it into
/// a <see cref="PatternException"/> that points at the pattern as the user wrote it.
/// </summary>
internal sealed class PatternCompileException(string code, string problem) : Exception(problem)
{
    /// <summary>One of <see cref="PatternErrorCodes"/>.</summary>
    public string Code { get; } = code;
}
