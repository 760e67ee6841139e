using System.Collections.Immutable;

namespace Builder.Graph;

/// <summary>
/// Copies <see cref="Source"/> from input <see cref="SourceInput"/> to <see cref="Destination"/> (COPY, ADD);
/// BuildKit's <c>FileActionCopy</c>. The defaults are the Dockerfile's COPY semantics: follow symlinks, copy a
/// directory's contents, create the destination path, allow wildcards that match nothing. A source that is one path
/// (a heredoc, a download, a git checkout) turns these off, as BuildKit's frontend does.
/// </summary>
/// <param name="SourceInput">The index into the step's inputs of the filesystem to copy from.</param>
/// <param name="Source">The path or glob in that filesystem.</param>
/// <param name="Destination">The path in the filesystem being changed; a trailing '/' means "into this directory".</param>
public sealed record CopyAction(int SourceInput, string Source, string Destination) : FileAction
{
    /// <summary>The owner of copied files (<c>--chown</c>), or <see langword="null"/> to keep the source's.</summary>
    public FileOwner? Owner { get; init; }

    /// <summary>The mode of copied files (<c>--chmod</c>) as written, octal (<c>755</c>) or symbolic (<c>u+x</c>).</summary>
    public string? Mode { get; init; }

    /// <summary>Whether a symlink given as the source is followed.</summary>
    public bool FollowSymlinks { get; init; } = true;

    /// <summary>Whether a source directory's contents are copied rather than the directory itself.</summary>
    public bool CopyDirectoryContents { get; init; } = true;

    /// <summary>Whether missing parent directories of the destination are created.</summary>
    public bool CreateDestinationPath { get; init; } = true;

    /// <summary>Whether <see cref="Source"/> may be a glob.</summary>
    public bool AllowWildcard { get; init; } = true;

    /// <summary>Whether a glob that matches nothing copies nothing instead of failing.</summary>
    public bool AllowEmptyWildcard { get; init; } = true;

    /// <summary>
    /// Only paths under the source matching one of these (patternmatcher rules, relative to the source) are copied,
    /// with the directories that lead to them; empty copies all. <c>COPY --parents a/./b/*.txt</c> is a copy of
    /// <c>/a</c> including <c>b/*.txt</c>, as BuildKit's frontend writes it.
    /// </summary>
    public ImmutableArray<string> IncludePatterns { get; init; } = [];

    /// <summary>Paths under the source matching these are not copied (<c>COPY --exclude</c>).</summary>
    public ImmutableArray<string> ExcludePatterns { get; init; } = [];

    /// <summary>Whether a local tar archive is unpacked into the destination (ADD).</summary>
    public bool UnpackArchive { get; init; }

    /// <summary>
    /// Whether the copy is independent of the destination's content (<c>COPY --link</c>): it is made on an empty
    /// layer and merged, so it stays cached when earlier layers change.
    /// </summary>
    public bool Link { get; init; }

    internal override string Kind => "copy";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.Integer("sourceInput", SourceInput);
        writer.String("source", Source);
        writer.String("destination", Destination);
        writer.String("owner", Owner?.ToString());
        writer.String("mode", Mode);
        writer.Boolean("followSymlinks", FollowSymlinks);
        writer.Boolean("copyDirectoryContents", CopyDirectoryContents);
        writer.Boolean("createDestinationPath", CreateDestinationPath);
        writer.Boolean("allowWildcard", AllowWildcard);
        writer.Boolean("allowEmptyWildcard", AllowEmptyWildcard);
        writer.Strings("includePatterns", IncludePatterns);
        writer.Strings("excludePatterns", ExcludePatterns);
        writer.Boolean("unpackArchive", UnpackArchive);
        writer.Boolean("link", Link);
    }

    internal override string Describe() => $"copy {Source} {Destination}";
}
