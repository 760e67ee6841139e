namespace Builder.Frontend.Expansion;

/// <summary>
/// A word that cannot be expanded: an unterminated quote or <c>${</c>, an unsupported substitution, a failed
/// <c>${a:?message}</c>. The instruction layer turns it into a <c>DockerfileDiagnostic</c>, so
/// <see cref="Offset"/> and <see cref="Length"/> point into the word that was passed to <see cref="ShellLexer"/>.
/// </summary>
internal sealed class ShellExpansionException : Exception
{
    public ShellExpansionException(int offset, int length, string message)
        : base(message)
    {
        Offset = offset;
        Length = length;
    }

    /// <summary>0-based index (UTF-16 code units) into the input where the problem starts.</summary>
    public int Offset { get; }

    /// <summary>How many code units from <see cref="Offset"/> the problem covers; at least 1 unless the input is empty.</summary>
    public int Length { get; }
}
