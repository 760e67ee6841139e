namespace Builder.Cache.Layers;

/// <summary>Every entry of a tree, depth first, each directory in <see cref="PathOrder"/>.</summary>
internal sealed class DirectoryLayerSource(string root) : LayerSource
{
    internal override IEnumerable<LayerChange> EnumerateChanges(CancellationToken cancellationToken) =>
        Walk(root, "", cancellationToken);

    /// <summary>Adds for <paramref name="relative"/>'s whole subtree under <paramref name="root"/>.</summary>
    internal static IEnumerable<LayerChange> Walk(string root, string relative, CancellationToken cancellationToken)
    {
        foreach (string name in PathOrder.SortedNames(Path.Join(root, relative)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = PathOrder.Join(relative, name);
            string full = Path.Join(root, path);
            FileStatus status = LinuxFileSystem.LStat(full);
            yield return new LayerChange.Added(path, full, status, LinuxFileSystem.ListXattrs(full));
            if (status.IsDirectory)
            {
                foreach (LayerChange change in Walk(root, path, cancellationToken))
                    yield return change;
            }
        }
    }
}
