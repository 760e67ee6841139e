namespace Builder.Frontend.Syntax;

/// <summary>
/// A here-document attached to RUN, COPY or ADD (<c>&lt;&lt;EOF</c>), with the lines up to its terminator.
/// </summary>
/// <param name="Name">The terminator word, quotes removed.</param>
/// <param name="Expand">False when any part of the terminator was quoted: BuildKit then expands no variables in the body.</param>
/// <param name="Chomp">True for <c>&lt;&lt;-EOF</c>: leading tabs are removed from every body line.</param>
/// <param name="FileDescriptor">The file descriptor before <c>&lt;&lt;</c> (0 when absent).</param>
/// <param name="Content">The body, each line ending with a newline, tabs not yet chomped.</param>
/// <param name="StartLine">1-based line of the first body line.</param>
public sealed record Heredoc(string Name, bool Expand, bool Chomp, int FileDescriptor, string Content, int StartLine)
{
    /// <summary>The body as it is used: with <see cref="Chomp"/>, leading tabs removed from each line.</summary>
    public string ChompedContent =>
        Chomp ? string.Join('\n', Content.Split('\n').Select(line => line.TrimStart('\t'))) : Content;
}
