namespace Builder.Graph;

/// <summary>Removes a path; BuildKit's <c>FileActionRm</c>.</summary>
/// <param name="Path">The absolute path or glob to remove.</param>
/// <param name="AllowNotFound">Whether a missing path is accepted.</param>
/// <param name="AllowWildcard">Whether <paramref name="Path"/> may be a glob.</param>
public sealed record RmAction(string Path, bool AllowNotFound = false, bool AllowWildcard = false) : FileAction
{
    internal override string Kind => "rm";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("path", Path);
        writer.Boolean("allowNotFound", AllowNotFound);
        writer.Boolean("allowWildcard", AllowWildcard);
    }

    internal override string Describe() => $"rm {Path}";
}
