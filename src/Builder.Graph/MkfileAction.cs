using System.Collections.Immutable;

namespace Builder.Graph;

/// <summary>Creates a file with the given content (a heredoc COPY); BuildKit's <c>FileActionMkFile</c>.</summary>
/// <param name="Path">The absolute path of the file.</param>
/// <param name="Mode">The permission bits, for example <c>0644</c>.</param>
/// <param name="Data">The file's content.</param>
/// <param name="Owner">The owner, or <see langword="null"/> for root.</param>
public sealed record MkfileAction(string Path, int Mode, ImmutableArray<byte> Data, FileOwner? Owner = null) : FileAction
{
    /// <summary>The file's content.</summary>
    public ImmutableArray<byte> Data { get; init; } = Data.IsDefault ? [] : Data;

    internal override string Kind => "mkfile";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("path", Path);
        writer.String("mode", FileModes.Format(Mode));
        writer.Bytes("data", Data);
        writer.String("owner", Owner?.ToString());
    }

    internal override string Describe() => $"mkfile {Path} ({Data.Length} bytes)";
}
