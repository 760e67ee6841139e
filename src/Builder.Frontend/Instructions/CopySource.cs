using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary>A source of COPY or ADD: a path (or glob, URL, git address) as written, or a heredoc's contents.</summary>
/// <param name="Path">The path as written; for a heredoc, its name (the file name it gets).</param>
/// <param name="Heredoc">The heredoc whose body becomes the file, or null for a path.</param>
public sealed record CopySource(string Path, Heredoc? Heredoc = null);
