namespace Builder.Filesystem.Patterns;

/// <summary>
/// A pattern (of a <c>.dockerignore</c> line, a COPY source or <c>--exclude</c>) that cannot be compiled. It knows
/// what is wrong, not where the pattern was written: the frontend turns it into a diagnostic at that place.
/// </summary>
public sealed class PatternException(string code, string message, string hint) : Exception(message)
{
    /// <summary>One of <see cref="PatternErrorCodes"/>.</summary>
    public string Code { get; } = code;

    /// <summary>What to write instead.</summary>
    public string Hint { get; } = hint;
}
