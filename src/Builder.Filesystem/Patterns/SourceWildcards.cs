namespace Builder.Filesystem.Patterns;

/// <summary>
/// Finds what a COPY or ADD source with wildcards names, as fsutil's <c>copy.ResolveWildcards</c> does for
/// BuildKit's file copy: the source is split before its first component with a wildcard, the part before it is
/// resolved inside the root, and the tree under it is walked in name order, keeping each path whose remainder
/// matches with Go's <c>filepath.Match</c> rules (<see cref="PathPattern.TryCreateFilepathMatch"/>). A matching
/// directory is kept whole and not walked further, and symlinks are not walked through.
/// </summary>
internal static class SourceWildcards
{
    /// <summary>
    /// fsutil's <c>containsWildcards</c>: whether <paramref name="path"/> has a <c>*</c>, <c>?</c> or <c>[</c>
    /// that a <c>\</c> does not escape.
    /// </summary>
    public static bool ContainsWildcards(string path)
    {
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\')
                i++;
            else if (path[i] is '*' or '?' or '[')
                return true;
        }
        return false;
    }

    /// <summary>
    /// The paths <paramref name="source"/> names inside <paramref name="root"/>, relative to it ('/'-separated, no
    /// leading '/', <c>""</c> for the root itself), in walk order; empty when nothing matches. The part of the
    /// source before its first wildcard is kept as written, so a match reads like the source.
    /// </summary>
    /// <param name="root">The host directory the source is relative to.</param>
    /// <param name="source">The source path, absolute or relative to <paramref name="root"/>.</param>
    /// <param name="followLinks">Whether a link in the part before the first wildcard is followed (COPY follows them).</param>
    /// <param name="visible">
    /// When set, the root is seen as holding only the entries this accepts (paths relative to the root, '/'-separated):
    /// a build context read in place, where only the selected entries exist.
    /// </param>
    public static List<string> Resolve(string root, string source, bool followLinks, Func<string, bool>? visible = null)
    {
        string[] parts = GoPath.Clean("/" + source).Split('/', StringSplitOptions.RemoveEmptyEntries);
        int first = Array.FindIndex(parts, ContainsWildcards);
        if (first < 0)
            return [string.Join('/', parts)];
        string fixedPart = string.Join('/', parts, 0, first);
        string pattern = string.Join('/', parts, first, parts.Length - first);
        var matches = new List<string>();
        if (!PathPattern.TryCreateFilepathMatch(pattern, out PathPattern? wildcard))
            return matches;
        string directory = HostPath(root, fixedPart, followLinks, visible);
        if (!Directory.Exists(directory) || new FileInfo(directory).LinkTarget is not null)
            return matches;
        // '*' and '?' never match a '/', so nothing deeper than the pattern has components can match it.
        string fullRoot = Path.GetFullPath(root);
        Func<FileSystemInfo, bool> shown = visible is null ? _ => true
            : child => visible(Path.GetRelativePath(fullRoot, child.FullName).Replace(Path.DirectorySeparatorChar, '/'));
        Walk(directory, "", parts.Length - first, wildcard, fixedPart, matches, shown);
        return matches;
    }

    private static void Walk(string directory, string relative, int depthLeft, PathPattern wildcard, string fixedPart,
                             List<string> matches, Func<FileSystemInfo, bool> shown)
    {
        IEnumerable<FileSystemInfo> children = new DirectoryInfo(directory)
            .EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 })
            .Where(shown)
            .OrderBy(child => child.Name, StringComparer.Ordinal);
        foreach (FileSystemInfo child in children)
        {
            string path = relative.Length == 0 ? child.Name : relative + "/" + child.Name;
            if (wildcard.Matches(path))
                matches.Add(fixedPart.Length == 0 ? path : fixedPart + "/" + path);
            else if (depthLeft > 1 && child is DirectoryInfo && !child.Attributes.HasFlag(FileAttributes.ReparsePoint))
                Walk(child.FullName, path, depthLeft - 1, wildcard, fixedPart, matches, shown);
        }
    }

    /// <summary>
    /// fsutil's <c>rootPath</c>: the host path of <paramref name="path"/> inside <paramref name="root"/>, its links
    /// followed within the root; when <paramref name="followLinks"/> is false, a link that is the last component
    /// is left as it is. With <paramref name="visible"/>, only the entries it accepts exist (see <see cref="Resolve"/>).
    /// </summary>
    public static string HostPath(string root, string path, bool followLinks, Func<string, bool>? visible = null)
    {
        string clean = GoPath.Clean("/" + path);
        if (clean == "/")
            return Path.GetFullPath(root);
        if (followLinks)
            return Join(root, clean, visible);
        int slash = clean.LastIndexOf('/');
        return Path.Combine(Join(root, clean[..slash], visible), clean[(slash + 1)..]);
    }

    private static string Join(string root, string path, Func<string, bool>? visible) =>
        visible is null ? RootedPath.Resolve(root, path) : RootedPath.Resolve(root, path, visible);
}
