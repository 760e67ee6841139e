using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Solver.Execution;
using Builder.Solver.Graph;

namespace Builder.Frontend.Context;

/// <summary>
/// The build context directory for the solver: a <see cref="ContextSourceStep"/>'s include and exclude patterns are
/// matched with <see cref="ContextWalker"/> (fsutil's rules), and the kept files, directories and symlinks are
/// reproduced with their modes and times in a directory the solver's COPY reads from (files hard-linked when the
/// file system allows, copied otherwise).
/// </summary>
public sealed class BuildContextSource(string contextDirectory) : IBuildContextSource
{
    /// <inheritdoc />
    public Task MaterializeAsync(ContextSourceStep step, string destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        var span = SourceSpan.At(".dockerignore", 1, 1);
        ImmutableArray<PathPattern> Compile(ImmutableArray<string> patterns) =>
            [.. patterns.Select(p => PathPattern.Create(p, span)).OfType<PathPattern>()];
        var selection = new ContextSelection(Compile(step.IncludePatterns), [], Compile(step.ExcludePatterns));
        string root = Path.GetFullPath(contextDirectory);
        Directory.CreateDirectory(destination);
        var directories = new List<(string Target, DateTime Modified)>();
        foreach (ContextEntry entry in ContextWalker.Walk(root, selection, cancellationToken))
        {
            string source = Path.Combine(root, entry.Path), target = Path.Combine(destination, entry.Path);
            switch (entry.Kind)
            {
                case ContextEntryKind.Directory:
                    Directory.CreateDirectory(target);
                    CopyMode(source, target);
                    directories.Add((target, Directory.GetLastWriteTimeUtc(source)));
                    break;
                case ContextEntryKind.Symlink:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.CreateSymbolicLink(target, new FileInfo(source).LinkTarget!);
                    break;
                default:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    // A hard link when the store is on the context's file system: nothing is copied, and the file
                    // keeps its identity, so the stat cache knows it. COPY only ever reads it.
                    if (Cache.Layers.HostFiles.TryHardLink(source, target)) break;
                    File.Copy(source, target, overwrite: true);
                    CopyMode(source, target);
                    File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(source));
                    break;
            }
        }
        // Directory times last: writing children changes them.
        foreach ((string target, DateTime modified) in directories.OrderByDescending(d => d.Target.Length))
            Directory.SetLastWriteTimeUtc(target, modified);
        return Task.CompletedTask;
    }

    private static void CopyMode(string source, string target)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, File.GetUnixFileMode(source));
    }
}
