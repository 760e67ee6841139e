using System.Collections.Immutable;
using Builder.Filesystem;
using Builder.Filesystem.Patterns;
using Builder.Graph;
using Builder.Solver.Caching;
using Builder.Solver.Ops;

namespace Builder.Solver.Context;

/// <summary>
/// The build context directories for the solver (the main one, and named ones from <c>--build-context</c>): a <see cref="ContextSourceStep"/>'s include and exclude patterns are
/// matched with <see cref="ContextWalker"/> (fsutil's rules), and the kept files, directories and symlinks are
/// hashed where they are (<see cref="SelectedContext"/>): nothing is copied until a step that is not cached reads them.
/// </summary>
public sealed class BuildContextSource : IBuildContextSource
{
    private readonly Dictionary<string, string> _directories = new(StringComparer.Ordinal);

    /// <summary>The main context; named contexts and other targets' contexts come through <see cref="Add"/>.</summary>
    public BuildContextSource(string contextDirectory) => _directories[ContextSourceStep.DefaultName] = contextDirectory;

    /// <summary>Adds a context read by steps named <paramref name="stepName"/>: a named directory context
    /// (<c>named:NAME</c>) or another target's context directory.</summary>
    public void Add(string stepName, string directory) => _directories[stepName] = directory;

    /// <inheritdoc />
    public SelectedContext Read(ContextSourceStep step, StatCache hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        // The patterns were checked when the Dockerfile and .dockerignore were read.
        ImmutableArray<PathPattern> Compile(IEnumerable<string> patterns) =>
            [.. patterns.Select(PathPattern.Create).OfType<PathPattern>()];
        ImmutableArray<PathPattern> excludes = Compile(step.ExcludePatterns);
        string root = Path.GetFullPath(DirectoryOf(step.Name));
        ImmutableArray<PathPattern> includes = Compile(step.IncludePatterns);
        IReadOnlyList<ContextEntry> entries = ContextWalker.Walk(root, new ContextSelection(includes, [], excludes), cancellationToken);
        var selected = new List<string>(entries.Select(e => e.Path));

        // As fsutil's FollowPaths: a source that is a symlink brings its target along (inside the context), so COPY can
        // follow it. Targets that are links again are followed in turn.
        var followed = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(entries.Where(e => e.Kind == ContextEntryKind.Symlink && includes.Any(p => p.Matches(e.Path)))
            .Select(e => e.Path));
        while (pending.TryDequeue(out string? link) && followed.Count < 255)
        {
            if (!followed.Add(link)) continue;
            // The target is resolved inside the context (an absolute one from its root), never on the host.
            string target = Path.GetRelativePath(root, RootedPath.Resolve(root, link));
            if (target != "." && !Path.Exists(Path.Combine(root, target))) continue;
            // A link to the context's root (to "/", say) brings the whole context, as fsutil's dedupePaths drops every
            // filter once "." is among the followed paths.
            IReadOnlyList<ContextEntry> more = ContextWalker.Walk(root, new ContextSelection(target == "." ? [] : Compile([target]), [], excludes), cancellationToken);
            selected.AddRange(more.Select(e => e.Path));
            foreach (ContextEntry entry in more.Where(e => e.Kind == ContextEntryKind.Symlink && e.Path == target)) pending.Enqueue(entry.Path);
        }
        return new SelectedContext(root, selected, hashes, cancellationToken);
    }

    // The directory of a context step: the main context, a named context (--build-context NAME=DIR), a service's.
    private string DirectoryOf(string name) =>
        _directories.TryGetValue(name, out string? directory) ? directory
            : throw new InvalidOperationException($"no build context named '{name}': give it with --build-context NAME=DIR");
}
