using Builder.Filesystem.Native;

namespace Builder.Filesystem.Patterns;

/// <summary>
/// Lists the entries of a build context directory that survive filtering, the way fsutil's filtered walk does:
/// entries are visited depth first in name order, a directory is walked unless the filter proves nothing inside
/// can be kept, symlinks are reported and never followed, and a directory that is itself filtered out is still
/// reported when something inside it is kept (as fsutil reports the parents of every entry it keeps).
/// </summary>
internal static class ContextWalker
{
    /// <summary>The entries of <paramref name="contextDirectory"/> that <paramref name="selection"/> selects, sorted by
    /// path (ordinal). The transfer pass runs on the disk, the copy pass on what the transfer kept.</summary>
    public static IReadOnlyList<ContextEntry> Walk(string contextDirectory, ContextSelection selection,
                                                   CancellationToken cancellationToken = default)
    {
        List<ContextEntry> sent = WalkTree(DiskLister(contextDirectory), selection.Transfer, cancellationToken);
        List<ContextEntry> copied = selection.Copy.Exclude is null
            ? sent
            : WalkTree(MemoryLister(sent), selection.Copy, cancellationToken);
        copied.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return copied;
    }

    /// <summary>The entries of <paramref name="contextDirectory"/> that one filter pass keeps, sorted by path (ordinal).</summary>
    public static IReadOnlyList<ContextEntry> Walk(string contextDirectory, ContextFilter filter,
                                                   CancellationToken cancellationToken = default)
    {
        List<ContextEntry> kept = WalkTree(DiskLister(contextDirectory), filter, cancellationToken);
        kept.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return kept;
    }

    /// <summary>
    /// One filter pass over any tree: <paramref name="listDirectory"/> gives a directory's children (its argument
    /// is the directory's path relative to the root, <c>""</c> for the root). It is called only for directories
    /// the filter cannot prune. Entries come back in walk order: depth first, in the lister's order.
    /// </summary>
    public static List<ContextEntry> Walk(Func<string, IReadOnlyList<ContextEntry>> listDirectory, ContextFilter filter,
                                          CancellationToken cancellationToken = default) =>
        WalkTree(directory => listDirectory(directory), filter, cancellationToken);

    // Lists a directory's children (path relative to the root, "" for the root) in name order.
    private delegate IReadOnlyList<ContextEntry> Lister(string directory);

    private sealed class PendingDirectory(ContextEntry entry)
    {
        public ContextEntry Entry { get; } = entry;
        public bool Reported { get; set; }
    }

    private static List<ContextEntry> WalkTree(Lister list, ContextFilter filter, CancellationToken cancellationToken)
    {
        var kept = new List<ContextEntry>();
        var parents = new List<PendingDirectory>();
        WalkDirectory("", hidden: false, list, filter, default, parents, kept, cancellationToken);
        return kept;
    }

    private static void WalkDirectory(string directory, bool hidden, Lister list, ContextFilter filter,
                                      FilterState state, List<PendingDirectory> parents, List<ContextEntry> kept,
                                      CancellationToken cancellationToken)
    {
        IReadOnlyList<ContextEntry> children;
        try
        {
            children = list(directory);
        }
        catch (UnauthorizedAccessException) when (hidden)
        {
            // fsutil ignores a permission error on a directory it was only walking through.
            return;
        }
        foreach (ContextEntry entry in children)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool isDirectory = entry.Kind == ContextEntryKind.Directory;
            FilterDecision decision = filter.Decide(entry.Path, isDirectory, state, out FilterState childState);
            if (decision == FilterDecision.Prune)
                continue;
            var pending = new PendingDirectory(entry);
            if (decision == FilterDecision.Keep)
            {
                // fsutil reports the hidden parents of a kept entry first, so the tree stays connected.
                foreach (PendingDirectory parent in parents.Where(p => !p.Reported))
                {
                    kept.Add(parent.Entry);
                    parent.Reported = true;
                }
                kept.Add(entry);
                pending.Reported = true;
            }
            if (!isDirectory)
                continue;
            parents.Add(pending);
            try
            {
                WalkDirectory(entry.Path, decision == FilterDecision.Hide, list, filter, childState, parents, kept,
                              cancellationToken);
            }
            finally
            {
                parents.RemoveAt(parents.Count - 1);
            }
        }
    }

    private static Lister DiskLister(string contextDirectory)
    {
        string root = Path.GetFullPath(contextDirectory);
        return directory =>
        {
            List<(string Name, DirectoryReader.EntryType Type)> children;
            try
            {
                // Each entry's type from the directory itself (d_type): a link is reported, never followed or read.
                children = DirectoryReader.Read(directory.Length == 0 ? root : Path.Combine(root, directory));
            }
            catch (UnauthorizedAccessException e)
            {
                // Named by its place in the context; the walk above ignores this for a directory it only passes through.
                throw new UnauthorizedAccessException($"cannot list '{(directory.Length == 0 ? "." : directory)}' in the build context {root}: permission denied", e);
            }
            var entries = new List<ContextEntry>(children.Count);
            foreach ((string name, DirectoryReader.EntryType type) in children)
            {
                ContextEntryKind kind = type switch
                {
                    DirectoryReader.EntryType.SymbolicLink => ContextEntryKind.Symlink,
                    DirectoryReader.EntryType.Directory => ContextEntryKind.Directory,
                    _ => ContextEntryKind.File,
                };
                entries.Add(new ContextEntry(directory.Length == 0 ? name : directory + "/" + name, kind));
            }
            entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            return entries;
        };
    }

    private static Lister MemoryLister(List<ContextEntry> entries)
    {
        ILookup<string, ContextEntry> children = entries.ToLookup(e =>
        {
            int slash = e.Path.LastIndexOf('/');
            return slash < 0 ? "" : e.Path[..slash];
        });
        return directory => [.. children[directory].OrderBy(e => e.Path, StringComparer.Ordinal)];
    }
}
