namespace Builder.Filesystem;

/// <summary>
/// Resolves a path inside a container root filesystem on the host, following symlinks as the container would see
/// them: an absolute link target is taken from the root, and <c>..</c> never climbs above it (what
/// <c>securejoin</c> does for runc and BuildKit). A build must never read or write a host file through a link an
/// image planted.
/// </summary>
public static class RootedPath
{
    private const int MaxLinks = 255;

    /// <summary>The host path of <paramref name="path"/> (absolute or relative to <c>/</c>) inside <paramref name="root"/>.</summary>
    /// <exception cref="IOException">More than 255 symlinks had to be followed (a loop).</exception>
    public static string Resolve(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        root = Path.GetFullPath(root);
        var resolved = new List<string>();
        var pending = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        int links = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            string candidate = Path.Combine(root, Path.Combine([.. resolved, part]));
            var info = new FileInfo(candidate);
            if (info.LinkTarget is { } target && (info.Attributes & FileAttributes.ReparsePoint) != 0)
            {
                if (++links > MaxLinks)
                    throw new IOException($"too many levels of symbolic links resolving '{path}' in {root}");
                if (target.StartsWith('/')) resolved.Clear();
                foreach (string next in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                    pending.Push(next);
                continue;
            }
            resolved.Add(part);
        }
        return resolved.Count == 0 ? root : Path.Combine(root, Path.Combine([.. resolved]));
    }
}
