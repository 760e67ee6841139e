using System.Globalization;
using System.Text.RegularExpressions;
using Builder.Solver.Filesystem;
using Builder.Solver.Graph;

namespace Builder.Solver.Execution;

/// <summary>
/// Carries out one <see cref="CopyAction"/> (COPY, ADD of local files) as BuildKit's file copy does: wildcard sources,
/// a directory's contents copied rather than the directory, the destination a directory when it ends in '/' or
/// several sources match, parents created, modes and times kept, symlinks inside copied trees kept as links, and
/// owner 0:0 unless <c>--chown</c> says otherwise.
/// </summary>
internal static class CopyActionRunner
{
    /// <exception cref="IOException">A source that is not a wildcard does not exist.</exception>
    /// <exception cref="NotSupportedException">An option imgbuild does not build yet (--parents, archive unpacking, symbolic --chmod).</exception>
    public static void Apply(CopyAction copy, string sourceRoot, string targetRoot)
    {
        if (copy.Parents) throw new NotSupportedException("not supported yet: COPY --parents when building");
        if (copy.UnpackArchive) throw new NotSupportedException("not supported yet: ADD of a local archive (unpacking) when building");
        int? mode = copy.Mode is null ? null
            : int.TryParse(copy.Mode, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? Convert.ToInt32(copy.Mode, 8)
            : throw new NotSupportedException($"not supported yet: symbolic --chmod={copy.Mode} when building");
        ContainerUser owner = copy.Owner is null ? ContainerUser.Root : ContainerUserResolver.Resolve(copy.Owner.ToString(), targetRoot);

        List<string> matches = Match(sourceRoot, copy.Source, copy.AllowWildcard);
        if (matches.Count == 0)
        {
            if (HasWildcard(copy.Source) && copy.AllowEmptyWildcard) return;
            throw new IOException($"\"{copy.Source}\": not found");
        }
        string destination = copy.Destination;
        bool destinationIsDirectory = destination.EndsWith('/') || matches.Count > 1 ||
            (copy.CopyDirectoryContents && matches.Count == 1 && Directory.Exists(Follow(sourceRoot, matches[0], copy.FollowSymlinks)));
        string targetPath = RootedPath.Resolve(targetRoot, destination);
        if (!destinationIsDirectory && Directory.Exists(targetPath)) destinationIsDirectory = true;

        if (destinationIsDirectory) EnsureDirectory(targetRoot, destination, owner);
        else EnsureDirectory(targetRoot, Path.GetDirectoryName(destination.TrimEnd('/')) ?? "/", owner);

        foreach (string match in matches)
        {
            string source = Follow(sourceRoot, match, copy.FollowSymlinks);
            if (Directory.Exists(source) && new FileInfo(source).LinkTarget is null && copy.CopyDirectoryContents)
            {
                foreach (string child in Directory.EnumerateFileSystemEntries(source).Order(StringComparer.Ordinal))
                    CopyEntry(child, Path.Combine(targetPath, Path.GetFileName(child)), owner, mode);
            }
            else
            {
                string target = destinationIsDirectory ? Path.Combine(targetPath, Path.GetFileName(match.TrimEnd('/'))) : targetPath;
                CopyEntry(source, target, owner, mode);
            }
        }
    }

    private static void CopyEntry(string source, string target, ContainerUser owner, int? mode)
    {
        var info = new FileInfo(source);
        if (info.LinkTarget is { } link)
        {
            if (File.Exists(target) || new FileInfo(target).LinkTarget is not null) File.Delete(target);
            File.CreateSymbolicLink(target, link);
            FileOwnership.Set(target, owner.Uid, owner.Gid);
            return;
        }
        if (Directory.Exists(source))
        {
            if (File.Exists(target)) File.Delete(target);
            Directory.CreateDirectory(target);
            foreach (string child in Directory.EnumerateFileSystemEntries(source).Order(StringComparer.Ordinal))
                CopyEntry(child, Path.Combine(target, Path.GetFileName(child)), owner, mode);
            SetMode(target, mode ?? GetMode(source));
            FileOwnership.Set(target, owner.Uid, owner.Gid);
            Directory.SetLastWriteTimeUtc(target, Directory.GetLastWriteTimeUtc(source));
            return;
        }
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        File.Copy(source, target, overwrite: true);
        SetMode(target, mode ?? GetMode(source));
        FileOwnership.Set(target, owner.Uid, owner.Gid);
        File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(source));
    }

    // Parents of the destination are created 0755 and owned like the copied files, as BuildKit's mkdir -p does.
    private static void EnsureDirectory(string root, string path, ContainerUser owner)
    {
        string current = "/";
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = current == "/" ? "/" + part : current + "/" + part;
            string host = RootedPath.Resolve(root, current);
            if (Directory.Exists(host)) continue;
            if (File.Exists(host)) throw new IOException($"cannot copy to {path}: {current} is a file, not a directory");
            Directory.CreateDirectory(host);
            SetMode(host, Convert.ToInt32("755", 8));
            FileOwnership.Set(host, owner.Uid, owner.Gid);
        }
    }

    private static string Follow(string root, string relative, bool follow) =>
        follow ? RootedPath.Resolve(root, relative) : Path.Combine(root, relative.TrimStart('/'));

    private static bool HasWildcard(string path) => path.IndexOfAny(['*', '?', '[']) >= 0;

    // Each path component is matched on its own, as Go's filepath.Glob does; matches come back sorted.
    private static List<string> Match(string root, string source, bool allowWildcard)
    {
        string[] parts = source.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        var current = new List<string> { "" };
        foreach (string part in parts)
        {
            var next = new List<string>();
            foreach (string prefix in current)
            {
                if (part == "..") { next.Add(prefix.Contains('/') ? prefix[..prefix.LastIndexOf('/')] : ""); continue; }
                if (!allowWildcard || !HasWildcard(part))
                {
                    string candidate = prefix.Length == 0 ? part : prefix + "/" + part;
                    string host = RootedPath.Resolve(root, candidate);
                    if (File.Exists(host) || Directory.Exists(host) || new FileInfo(host).LinkTarget is not null) next.Add(candidate);
                    continue;
                }
                string directory = RootedPath.Resolve(root, prefix);
                if (!Directory.Exists(directory)) continue;
                var regex = new Regex("^" + GlobToRegex(part) + "$", RegexOptions.CultureInvariant);
                foreach (string entry in Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!)
                {
                    if (regex.IsMatch(entry!)) next.Add(prefix.Length == 0 ? entry! : prefix + "/" + entry);
                }
            }
            current = next;
        }
        return parts.Length == 0 ? [""] : current;
    }

    private static string GlobToRegex(string glob)
    {
        var builder = new System.Text.StringBuilder();
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            switch (c)
            {
                case '*': builder.Append("[^/]*"); break;
                case '?': builder.Append("[^/]"); break;
                case '[':
                    int end = glob.IndexOf(']', i + 1);
                    if (end < 0) { builder.Append("\\["); break; }
                    string set = glob[(i + 1)..end];
                    builder.Append('[').Append(set.StartsWith('^') || set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = end;
                    break;
                case '\\' when i + 1 < glob.Length: builder.Append(Regex.Escape(glob[++i].ToString())); break;
                default: builder.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return builder.ToString();
    }

    private static int GetMode(string path) => OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(path);

    private static void SetMode(string path, int mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)(mode & 0xFFF));
    }
}
