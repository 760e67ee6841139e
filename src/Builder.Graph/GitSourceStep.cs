namespace Builder.Graph;

/// <summary>A checkout of a Git repository (<c>ADD https://host/repo.git#ref:dir</c>); BuildKit's <c>git://</c> source.</summary>
/// <param name="Remote">The remote URL, as given.</param>
/// <param name="Ref">The branch, tag or commit; <see langword="null"/> for the remote's default branch.</param>
/// <param name="KeepGitDir">Whether the <c>.git</c> directory is kept (<c>ADD --keep-git-dir</c>).</param>
/// <param name="Subdirectory">The directory of the repository that becomes the result's root, if not the top.</param>
public sealed record GitSourceStep(string Remote, string? Ref = null, bool KeepGitDir = false, string? Subdirectory = null)
    : BuildStep
{
    internal override string Kind => "git";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("remote", Remote);
        writer.String("ref", Ref);
        writer.Boolean("keepGitDir", KeepGitDir);
        writer.String("subdirectory", Subdirectory);
    }

    internal override string Describe() =>
        Remote + (Ref is null ? "" : "#" + Ref) + (Subdirectory is null ? "" : ":" + Subdirectory);
}
