namespace Builder.Graph;

/// <summary>Creates a directory (WORKDIR); BuildKit's <c>FileActionMkDir</c>.</summary>
/// <param name="Path">The absolute path to create.</param>
/// <param name="Mode">The permission bits; <c>0755</c> by default.</param>
/// <param name="MakeParents">Whether missing parents are created and an existing directory is accepted (<c>mkdir -p</c>).</param>
/// <param name="Owner">The owner, or <see langword="null"/> for root.</param>
public sealed record MkdirAction(string Path, int Mode = FileModes.Directory, bool MakeParents = false, FileOwner? Owner = null)
    : FileAction
{
    internal override string Kind => "mkdir";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("path", Path);
        writer.String("mode", FileModes.Format(Mode));
        writer.Boolean("makeParents", MakeParents);
        writer.String("owner", Owner?.ToString());
    }

    internal override string Describe() => $"mkdir {Path}";
}
