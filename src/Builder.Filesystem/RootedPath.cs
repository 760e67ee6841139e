namespace Builder.Filesystem;

/// <summary>
/// Resolves a path inside a root directory on the host, following symlinks as a process chrooted to the root
/// would see them: an absolute link target is taken from the root, and a link is never followed out of it. A
/// build must never read or write a host file through a link an image or a layer planted. This is the one secure
/// path join: the solver resolves container paths with <see cref="Resolve(string, string)"/> (as <c>securejoin</c> does for runc
/// and BuildKit), and the layer applier resolves the parent of each tar entry with <see cref="TryResolveDirectory"/>.
/// </summary>
public static class RootedPath
{
    // securejoin's limit; Linux stops at 40 (MAXSYMLINKS), which no real image comes near either.
    private const int MaxLinks = 255;

    /// <summary>
    /// The host path of <paramref name="path"/> (absolute or relative to <c>/</c>) inside <paramref name="root"/>,
    /// as <c>securejoin.SecureJoin</c> gives it: every link is followed, the last component's too; <c>..</c> at
    /// the root stays at the root; a component that does not exist ends the following and is joined as written.
    /// </summary>
    /// <exception cref="RootedPathException">More than 255 symlinks had to be followed (a loop).</exception>
    public static string Resolve(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        return Walk(Path.GetFullPath(root), path, path.Split('/'), Strictness.SecureJoin, created: null, visible: null)!;
    }

    /// <summary>
    /// As <see cref="Resolve(string, string)"/>, in a view of <paramref name="root"/> that holds only the entries
    /// <paramref name="visible"/> accepts: any other entry is taken as missing, so no link is followed through it.
    /// A build context read in place is such a view: its selected entries, without materializing them.
    /// </summary>
    /// <param name="root">The root directory.</param>
    /// <param name="path">The path, absolute or relative to <c>/</c>.</param>
    /// <param name="visible">Whether an entry, given by its path relative to the root ('/'-separated), is in the view.</param>
    /// <exception cref="RootedPathException">More than 255 symlinks had to be followed (a loop).</exception>
    public static string Resolve(string root, string path, Func<string, bool> visible)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(visible);
        return Walk(Path.GetFullPath(root), path, path.Split('/'), Strictness.SecureJoin, created: null, visible)!;
    }

    /// <summary>
    /// The real directory <paramref name="components"/> name inside <paramref name="root"/>, strictly: each one
    /// must be a directory or a link to one, and a <c>..</c> (written or in a link) that would climb above the
    /// root is an error rather than staying at the root, since only a malformed or hostile layer does that.
    /// </summary>
    /// <param name="root">The root directory, a full path.</param>
    /// <param name="components">The directory's path, split at '/'.</param>
    /// <param name="created">
    /// When set, a missing directory is created (mode 0755, owned by this process) and passed to it; when null, a
    /// missing directory makes the answer false.
    /// </param>
    /// <param name="directory">The host path of the directory, <paramref name="root"/> for no components.</param>
    /// <returns>Whether the directory exists (or was created).</returns>
    /// <exception cref="RootedPathException">
    /// The path climbs out of the root, goes through something that is not a directory, or loops through links.
    /// </exception>
    public static bool TryResolveDirectory(string root, IReadOnlyList<string> components, Action<string>? created,
                                           out string directory)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(components);
        string? resolved = Walk(root, string.Join('/', components), components,
                                created is null ? Strictness.DirectoriesOnly : Strictness.CreateDirectories, created, visible: null);
        directory = resolved ?? "";
        return resolved is not null;
    }

    private enum Strictness
    {
        // securejoin: clamp "..", join missing and non-directory components as written
        SecureJoin,
        // every component a directory; a missing one makes the result null
        DirectoriesOnly,
        // every component a directory; a missing one is created
        CreateDirectories,
    }

    private static string? Walk(string root, string path, IEnumerable<string> parts, Strictness strictness,
                                Action<string>? created, Func<string, bool>? visible)
    {
        var resolved = new List<string>();
        var pending = new Stack<string>(parts.Reverse());
        int links = 0;
        while (pending.TryPop(out string? part))
        {
            if (part is "" or ".")
                continue;
            if (part == "..")
            {
                if (resolved.Count > 0)
                    resolved.RemoveAt(resolved.Count - 1);
                else if (strictness != Strictness.SecureJoin)
                    throw new RootedPathException($"a symlink in '{path}' leads outside the root directory");
                continue;
            }
            string candidate = Join(root, resolved, part);
            var info = new FileInfo(candidate);
            FileAttributes attributes = info.Attributes;
            bool missing = attributes == (FileAttributes)(-1)
                || (visible is not null && !visible(resolved.Count == 0 ? part : string.Join('/', resolved) + "/" + part));
            if (!missing && attributes.HasFlag(FileAttributes.ReparsePoint) && info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                    throw new RootedPathException($"too many levels of symbolic links resolving '{path}' in {root}");
                if (target.StartsWith('/'))
                    resolved.Clear();
                foreach (string next in target.Split('/').Reverse())
                    pending.Push(next);
                continue;
            }
            if (strictness != Strictness.SecureJoin)
            {
                if (missing && strictness == Strictness.DirectoriesOnly)
                    return null;
                if (missing)
                {
                    Directory.CreateDirectory(candidate);
                    if (!OperatingSystem.IsWindows())
                        File.SetUnixFileMode(candidate, (UnixFileMode)0x1ED); // 0755, not the umask's
                    created!(candidate);
                }
                else if (!attributes.HasFlag(FileAttributes.Directory))
                    throw new RootedPathException($"'{candidate[(root.Length + 1)..]}' is not a directory");
            }
            resolved.Add(part);
        }
        return resolved.Count == 0 ? root : Path.Join(root, string.Join('/', resolved));
    }

    private static string Join(string root, List<string> resolved, string part) =>
        resolved.Count == 0 ? Path.Join(root, part) : Path.Join(root, string.Join('/', resolved), part);
}
