namespace Builder.Filesystem.Patterns;

/// <summary>One entry of the build context that survived filtering.</summary>
/// <param name="Path">Relative to the context root, <c>/</c>-separated, for example <c>src/app.cs</c>.</param>
/// <param name="Kind">File, directory or symlink.</param>
internal sealed record ContextEntry(string Path, ContextEntryKind Kind);
