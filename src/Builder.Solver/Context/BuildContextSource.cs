using System.Collections.Immutable;
using Builder.Filesystem;
using Builder.Filesystem.Patterns;
using Builder.Graph;
using Builder.Solver.Ops;

namespace Builder.Solver.Context;

/// <summary>
/// The build context directories for the solver (the main one, and named ones from <c>--build-context</c>): a <see cref="ContextSourceStep"/>'s include and exclude patterns are
/// matched with <see cref="ContextWalker"/> (fsutil's rules), and the kept files, directories and symlinks are
/// reproduced with their modes and times in a directory the solver's COPY reads from (files hard-linked when the
/// file system allows, copied otherwise).
/// </summary>
public sealed class BuildContextSource : IBuildContextSource
{
    private readonly Dictionary<string, string> _directories = new(StringComparer.Ordinal);

    /// <summary>The main context, and named directory contexts (<c>--build-context NAME=DIR</c>) by name.</summary>
    public BuildContextSource(string contextDirectory, IReadOnlyDictionary<string, string>? namedDirectories = null)
    {
        _directories[ContextSourceStep.DefaultName] = contextDirectory;
        foreach ((string name, string directory) in namedDirectories ?? new Dictionary<string, string>())
            _directories[ContextSourceStep.NamedPrefix + name] = directory;
    }

    /// <summary>Adds a context read by steps named <paramref name="stepName"/> (a compose service's context).</summary>
    public void Add(string stepName, string directory) => _directories[stepName] = directory;

    /// <inheritdoc />
    public Task MaterializeAsync(ContextSourceStep step, string destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        // The patterns were checked when the Dockerfile and .dockerignore were read.
        ImmutableArray<PathPattern> Compile(IEnumerable<string> patterns) =>
            [.. patterns.Select(PathPattern.Create).OfType<PathPattern>()];
        ImmutableArray<PathPattern> excludes = Compile(step.ExcludePatterns);
        string root = Path.GetFullPath(DirectoryOf(step.Name));
        Directory.CreateDirectory(destination);
        var writer = new EntryWriter(root, destination);
        ImmutableArray<PathPattern> includes = Compile(step.IncludePatterns);
        IReadOnlyList<ContextEntry> entries = ContextWalker.Walk(root, new ContextSelection(includes, [], excludes), cancellationToken);
        writer.Write(entries);

        // As fsutil's FollowPaths: a source that is a symlink brings its target along (inside the context), so COPY can
        // follow it. Targets that are links again are followed in turn.
        var followed = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(entries.Where(e => e.Kind == ContextEntryKind.Symlink && includes.Any(p => p.Matches(e.Path)))
            .Select(e => e.Path));
        while (pending.TryDequeue(out string? link) && followed.Count < 255)
        {
            if (!followed.Add(link)) continue;
            string target = Path.GetRelativePath(root, RootedPath.Resolve(root, link));
            if (target == "." || !Path.Exists(Path.Combine(root, target))) continue;
            IReadOnlyList<ContextEntry> more = ContextWalker.Walk(root, new ContextSelection(Compile([target]), [], excludes), cancellationToken);
            writer.Write(more);
            foreach (ContextEntry entry in more.Where(e => e.Kind == ContextEntryKind.Symlink && e.Path == target)) pending.Enqueue(entry.Path);
        }
        writer.SetDirectoryTimes();
        return Task.CompletedTask;
    }

    // Writes context entries under the destination: directories and links recreated, files hard-linked when the store
    // is on the context's file system (nothing copied, and the file keeps its identity for the stat cache), copied
    // otherwise with the context's own hard links kept.
    private sealed class EntryWriter(string root, string destination)
    {
        private readonly List<(string Target, DateTime Modified)> _directories = [];
        private readonly Dictionary<(ulong, ulong), string> _copies = [];
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);

        public void Write(IEnumerable<ContextEntry> entries)
        {
            foreach (ContextEntry entry in entries)
            {
                string source = Path.Combine(root, entry.Path), target = Path.Combine(destination, entry.Path);
                if (!_written.Add(entry.Path)) continue; // written by an earlier pass
                switch (entry.Kind)
                {
                    case ContextEntryKind.Directory:
                        Directory.CreateDirectory(target);
                        CopyMode(source, target);
                        _directories.Add((target, Directory.GetLastWriteTimeUtc(source)));
                        break;
                    case ContextEntryKind.Symlink:
                        CreateParent(entry.Path, target);
                        File.CreateSymbolicLink(target, new FileInfo(source).LinkTarget!);
                        break;
                    default:
                        CreateParent(entry.Path, target);
                        if (Cache.Layers.HostFiles.TryHardLink(source, target)) break;
                        Cache.Layers.FileIdentity? identity = Cache.Layers.HostFiles.Identity(source);
                        if (identity is { Links: > 1 } linked)
                        {
                            if (_copies.TryGetValue((linked.Device, linked.Inode), out string? first) && Cache.Layers.HostFiles.TryHardLink(first, target)) break;
                            _copies[(linked.Device, linked.Inode)] = target;
                        }
                        File.Copy(source, target, overwrite: true);
                        CopyMode(source, target);
                        File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(source));
                        break;
                }
            }
        }

        // The walk reports a kept entry's directories before it; a parent is made here only when it was not.
        private void CreateParent(string path, string target)
        {
            string? parent = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(parent) && !_written.Contains(parent)) Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        }

        // Directory times last: writing children changes them.
        public void SetDirectoryTimes()
        {
            foreach ((string target, DateTime modified) in _directories.OrderByDescending(d => d.Target.Length))
                Directory.SetLastWriteTimeUtc(target, modified);
        }
    }

    // The directory of a context step: the main context, a named context (--build-context NAME=DIR), a service's.
    private string DirectoryOf(string name) =>
        _directories.TryGetValue(name, out string? directory) ? directory
            : throw new InvalidOperationException($"no build context named '{name}': give it with --build-context NAME=DIR");

    private static void CopyMode(string source, string target)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, File.GetUnixFileMode(source));
    }
}
