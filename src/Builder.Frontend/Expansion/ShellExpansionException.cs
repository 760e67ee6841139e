namespace Builder.Frontend.Expansion;

/// <summary>
/// A word that cannot be expanded (an unterminated quote, a bad substitution, <c>${a:?message}</c> on an unset
/// variable). The instruction layer turns it into a <see cref="Diagnostics.DockerfileDiagnostic"/>.
/// </summary>
internal sealed class ShellExpansionException(string message, int offset) : Exception(message)
{
    /// <summary>0-based index in the processed text where the problem was found.</summary>
    public int Offset { get; } = offset;
}
