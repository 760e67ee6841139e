namespace Builder.Cache.Layers;

/// <summary>
/// The changes from a lower to an upper tree, walking both at once in name order as containerd's
/// <c>fs.Changes</c> (continuity fs/diff_unix.go, doubleWalkDiff) does:
/// <list type="bullet">
/// <item>only in lower: deleted (a whiteout); a deleted directory's children are not listed;</item>
/// <item>only in upper: added, with its whole subtree;</item>
/// <item>in both: modified when not the same file (see <see cref="SameFile"/>). A directory replaced by a file,
/// or a file by a directory, is just the new entry: an applier removes the old path before creating a
/// different type (layer.md, "Changeset over existing files"), so no whiteout is written for it.</item>
/// </list>
/// As containerd's archive writer does (includeParents), an unchanged directory is written before the first
/// change inside it, so that the layer carries its owner, mode and mtime.
/// </summary>
internal sealed class DiffLayerSource(string lower, string upper) : LayerSource
{
    internal override IEnumerable<LayerChange> EnumerateChanges(CancellationToken cancellationToken) =>
        Compare("", [], cancellationToken);

    private IEnumerable<LayerChange> Compare(string relative, List<LayerChange.Added> unwrittenParents, CancellationToken cancellationToken)
    {
        List<string> lowerNames = PathOrder.SortedNames(Path.Join(lower, relative));
        List<string> upperNames = PathOrder.SortedNames(Path.Join(upper, relative));
        int i = 0, j = 0;
        while (i < lowerNames.Count || j < upperNames.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int order = i == lowerNames.Count ? 1 : j == upperNames.Count ? -1 : PathOrder.Instance.Compare(lowerNames[i], upperNames[j]);
            string name = order <= 0 ? lowerNames[i] : upperNames[j];
            string path = PathOrder.Join(relative, name);
            if (order < 0)
            {
                i++;
                foreach (LayerChange change in WithParents(new LayerChange.Deleted(path), unwrittenParents))
                    yield return change;
                continue;
            }
            if (order == 0)
                i++;
            j++;
            string upperFull = Path.Join(upper, path);
            FileStatus upperStatus = LinuxFileSystem.LStat(upperFull);
            var added = new LayerChange.Added(path, upperFull, upperStatus, LinuxFileSystem.ListXattrs(upperFull));
            bool lowerIsDirectory = false;
            if (order > 0 || !SameFile(Path.Join(lower, path), added, out lowerIsDirectory))
            {
                foreach (LayerChange change in WithParents(added, unwrittenParents))
                    yield return change;
                if (upperStatus.IsDirectory)
                {
                    IEnumerable<LayerChange> children = order > 0 || !lowerIsDirectory
                        ? DirectoryLayerSource.Walk(upper, path, cancellationToken)
                        : Compare(path, [], cancellationToken);
                    foreach (LayerChange change in children)
                        yield return change;
                }
            }
            else if (upperStatus.IsDirectory)
            {
                unwrittenParents.Add(added);
                foreach (LayerChange change in Compare(path, unwrittenParents, cancellationToken))
                    yield return change;
                if (unwrittenParents.Count > 0 && ReferenceEquals(unwrittenParents[^1], added))
                    unwrittenParents.RemoveAt(unwrittenParents.Count - 1);
            }
        }
    }

    private static IEnumerable<LayerChange> WithParents(LayerChange change, List<LayerChange.Added> unwrittenParents)
    {
        foreach (LayerChange.Added parent in unwrittenParents)
            yield return parent;
        unwrittenParents.Clear();
        yield return change;
    }

    /// <summary>
    /// containerd's sameFile: type, permission bits, owner and device number must match; then for non-directories
    /// the size and the mtime in seconds; when both mtimes have zero nanoseconds (a truncating copy, such as an
    /// extracted tar) the content decides, otherwise the nanoseconds must match. Two deliberate extensions: all
    /// xattrs are compared (containerd compares only security.capability), and a symlink's target always is.
    /// </summary>
    private static bool SameFile(string lowerFull, LayerChange.Added upper, out bool lowerIsDirectory)
    {
        FileStatus l = LinuxFileSystem.LStat(lowerFull), u = upper.Status;
        lowerIsDirectory = l.IsDirectory;
        if (l.DeviceMajor == u.DeviceMajor && l.DeviceMinor == u.DeviceMinor && l.Inode == u.Inode)
            return true;
        if (l.Mode != u.Mode || l.Uid != u.Uid || l.Gid != u.Gid || l.RDevMajor != u.RDevMajor || l.RDevMinor != u.RDevMinor)
            return false;
        if (!SameXattrs(LinuxFileSystem.ListXattrs(lowerFull), upper.Xattrs))
            return false;
        if (l.IsDirectory)
            return true;
        if (l.Size != u.Size || l.MTimeSeconds != u.MTimeSeconds || l.MTimeNanoseconds != u.MTimeNanoseconds)
            return false;
        if (l.IsSymlink)
            return new FileInfo(lowerFull).LinkTarget == new FileInfo(upper.FullPath).LinkTarget;
        if (l.MTimeNanoseconds != 0 || l.Size == 0 || !l.IsRegular)
            return true;
        return SameContent(lowerFull, upper.FullPath);
    }

    private static bool SameXattrs(IReadOnlyDictionary<string, byte[]> left, IReadOnlyDictionary<string, byte[]> right)
    {
        if (left.Count != right.Count)
            return false;
        foreach ((string key, byte[] value) in left)
        {
            if (!right.TryGetValue(key, out byte[]? other) || !value.AsSpan().SequenceEqual(other))
                return false;
        }
        return true;
    }

    private static bool SameContent(string left, string right)
    {
        using FileStream a = File.OpenRead(left), b = File.OpenRead(right);
        byte[] bufferA = new byte[1 << 16], bufferB = new byte[1 << 16];
        while (true)
        {
            int readA = a.ReadAtLeast(bufferA, bufferA.Length, throwOnEndOfStream: false);
            int readB = b.ReadAtLeast(bufferB, bufferB.Length, throwOnEndOfStream: false);
            if (readA != readB || !bufferA.AsSpan(0, readA).SequenceEqual(bufferB.AsSpan(0, readB)))
                return false;
            if (readA == 0)
                return true;
        }
    }
}
