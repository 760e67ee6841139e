using System.Globalization;
using Builder.Cache.Layers;
using Builder.Filesystem;
using Builder.Filesystem.Patterns;
using Builder.Graph;
using Builder.Solver.Context;
using Builder.Solver.Runtime;

namespace Builder.Solver.Ops;

/// <summary>
/// Carries out one <see cref="CopyAction"/> (COPY, ADD of local files) as BuildKit's file copy does: wildcard sources,
/// a directory's contents copied rather than the directory, the destination a directory when it ends in '/' or
/// several sources match, parents created, modes and times kept, symlinks inside copied trees kept as links, and
/// owner 0:0 unless <c>--chown</c> says otherwise. <c>--chmod</c> is octal or symbolic, <c>--exclude</c> leaves paths
/// out, <c>--parents</c> keeps the sources' directories, and ADD unpacks local tar archives.
/// </summary>
internal static class CopyActionRunner
{
    /// <exception cref="IOException">A source that is not a wildcard does not exist.</exception>
    /// <exception cref="Cache.Layers.LayerFormatException">An archive ADD unpacks has an entry that would land outside the destination.</exception>
    public static Task ApplyAsync(CopyAction copy, string sourceRoot, string targetRoot, CancellationToken cancellationToken) =>
        ApplyAsync(copy, sourceRoot, null, targetRoot, cancellationToken);

    /// <summary>
    /// Copies from a build context read in place: only its selected entries exist for the copy (a link is never
    /// followed to anything else), and each entry is checked against what was hashed for the cache key.
    /// </summary>
    /// <exception cref="IOException">A source is missing, or a context file changed after it was hashed.</exception>
    public static Task ApplyAsync(CopyAction copy, SelectedContext context, string targetRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ApplyAsync(copy, context.Root, context, targetRoot, cancellationToken);
    }

    private static async Task ApplyAsync(CopyAction copy, string sourceRoot, SelectedContext? context, string targetRoot, CancellationToken cancellationToken)
    {
        Func<string, bool>? visible = context is null ? null : context.Includes;
        Func<int, bool, int>? chmod = copy.Mode is null ? null
            : int.TryParse(copy.Mode, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? (_, _) => Convert.ToInt32(copy.Mode, 8)
            : (current, isDirectory) => SymbolicMode.Apply(copy.Mode, current, isDirectory);
        (uint uid, uint gid) = copy.Owner is null ? (0u, 0u) : FileOwnerResolver.Resolve(copy.Owner, targetRoot);
        var owner = new ContainerUser(uid, gid, []);
        // --exclude is fsutil's exclude pattern matcher: moby/patternmatcher over paths relative to the source.
        PathPattern[] excludes = [.. copy.ExcludePatterns.Select(PathPattern.Create).OfType<PathPattern>()];
        var entries = new EntryCopier(owner, chmod, excludes.Length == 0 ? null : new PatternMatcher(excludes), context);

        List<string> matches = copy.AllowWildcard
            ? SourceWildcards.Resolve(sourceRoot, copy.Source, copy.FollowSymlinks, visible)
            : [GoPath.Clean("/" + copy.Source).TrimStart('/')];
        matches.RemoveAll(match => !Exists(Follow(sourceRoot, match, copy.FollowSymlinks, visible), context));
        if (matches.Count == 0)
        {
            if (copy.AllowWildcard && SourceWildcards.ContainsWildcards(copy.Source) && copy.AllowEmptyWildcard) return;
            throw new IOException($"\"{copy.Source}\": not found");
        }
        string destination = copy.Destination;
        bool destinationIsDirectory = destination.EndsWith('/') || matches.Count > 1 || copy.Parents ||
            (copy.CopyDirectoryContents && matches.Count == 1 && Directory.Exists(Follow(sourceRoot, matches[0], copy.FollowSymlinks, visible)));
        string targetPath = RootedPath.Resolve(targetRoot, destination);
        if (!destinationIsDirectory && Directory.Exists(targetPath)) destinationIsDirectory = true;

        foreach (string match in matches)
        {
            string source = Follow(sourceRoot, match, copy.FollowSymlinks, visible);
            if (copy.UnpackArchive && File.Exists(source) && Cache.Layers.ArchiveUnpacker.IsArchive(source))
            {
                // A local archive is unpacked into the destination, which is then always a directory.
                EnsureDirectory(targetRoot, destination, owner);
                await Cache.Layers.ArchiveUnpacker.UnpackAsync(source, targetPath,
                    copy.Owner is null ? null : ((int)owner.Uid, (int)owner.Gid), cancellationToken).ConfigureAwait(false);
                context?.CheckFile(source); // what was unpacked is what was hashed
                continue;
            }
            if (destinationIsDirectory) EnsureDirectory(targetRoot, destination, owner);
            else EnsureDirectory(targetRoot, Path.GetDirectoryName(destination.TrimEnd('/')) ?? "/", owner);

            string matchTarget = targetPath;
            if (copy.Parents)
            {
                // --parents: the source's directories are kept under the destination, with their own modes and times.
                string parents = Path.GetDirectoryName(match.TrimEnd('/')) ?? "";
                matchTarget = entries.CopyParents(sourceRoot, parents, targetPath);
            }
            string name = Path.GetFileName(match.TrimEnd('/'));
            if (Directory.Exists(source) && new FileInfo(source).LinkTarget is null && copy.CopyDirectoryContents)
            {
                var directory = new DirectoryInfo(source);
                string contents = copy.Parents ? Path.Combine(matchTarget, name) : matchTarget;
                if (copy.Parents) entries.CopyDirectoryItself(directory, contents);
                entries.CopyChildren(directory, contents, relative: null);
            }
            else
            {
                string target = destinationIsDirectory ? Path.Combine(matchTarget, name) : matchTarget;
                entries.Copy(source, target, name);
            }
        }
    }

    /// <summary>
    /// Copies entries with one owner, an optional mode change and exclusions relative to the copied source. Entries
    /// are read as <see cref="FileSystemInfo"/>s, whose type, mode and time come from the one lstat made while
    /// listing their directory, and files are written through one handle (content, mode, time).
    /// </summary>
    /// <remarks>
    /// Exclusions follow fsutil's copier: each path is matched with <c>MatchesUsingParentResults</c>, handing the
    /// parent directory's results down; an excluded directory is skipped whole unless an exception (<c>!</c>)
    /// could re-include something inside, and then it is walked and only made when something under it is copied.
    /// </remarks>
    /// <para>From a build context read in place, only the selected entries are listed, and each is checked against
    /// what was hashed: kind, mode and link target as it is copied, a file's content as it is read.</para>
    private sealed class EntryCopier(ContainerUser owner, Func<int, bool, int>? chmod, PatternMatcher? exclusions, SelectedContext? context)
    {
        // Excluded directories being walked for exceptions, outermost first (fsutil's parentDirs).
        private readonly List<PendingDirectory> _pending = [];

        private sealed class PendingDirectory(DirectoryInfo source, string target)
        {
            public DirectoryInfo Source { get; } = source;
            public string Target { get; } = target;
            public bool Made { get; set; }
        }

        public void Copy(string source, string target, string relative) => Copy(Info(source), target, relative, default);

        private void Copy(FileSystemInfo source, string target, string relative, MatchInfo parent)
        {
            MatchInfo matched = default;
            if (exclusions is not null && exclusions.MatchesUsingParentResults(relative, parent, out matched))
            {
                if (!exclusions.HasExceptions || source is not DirectoryInfo excludedDirectory
                    || source.Attributes.HasFlag(FileAttributes.ReparsePoint))
                    return;
                var pending = new PendingDirectory(excludedDirectory, target);
                _pending.Add(pending);
                CopyChildren(excludedDirectory, target, relative, matched);
                _pending.RemoveAt(_pending.Count - 1);
                if (pending.Made) Directory.SetLastWriteTimeUtc(target, excludedDirectory.LastWriteTimeUtc);
                return;
            }
            MakePendingDirectories();
            if (source.Attributes.HasFlag(FileAttributes.ReparsePoint) && source.LinkTarget is { } link)
            {
                context?.Check(source);
                if (File.Exists(target) || new FileInfo(target).LinkTarget is not null) File.Delete(target);
                File.CreateSymbolicLink(target, link);
                FileOwnership.Set(target, owner.Uid, owner.Gid);
                return;
            }
            if (source is DirectoryInfo directory)
            {
                CopyDirectoryItself(directory, target);
                CopyChildren(directory, target, relative, matched);
                Directory.SetLastWriteTimeUtc(target, directory.LastWriteTimeUtc);
                return;
            }
            CopyFile(source, target);
        }

        // A directory's entries, in name order; their paths for --exclude are relative to the copied source, and
        // parent holds what the exclusions matched for the directory (nothing known for the source itself).
        public void CopyChildren(DirectoryInfo directory, string target, string? relative, MatchInfo parent = default)
        {
            IEnumerable<FileSystemInfo> children = context is null ? directory.EnumerateFileSystemInfos("*", ListingOptions) : context.Children(directory);
            foreach (FileSystemInfo child in children.OrderBy(c => c.Name, StringComparer.Ordinal))
                Copy(child, Path.Combine(target, child.Name), relative is null ? child.Name : relative + "/" + child.Name, parent);
        }

        // fsutil's createParentDirs: the excluded directories above an entry an exception keeps are made first.
        private void MakePendingDirectories()
        {
            foreach (PendingDirectory pending in _pending)
            {
                if (pending.Made) continue;
                CopyDirectoryItself(pending.Source, pending.Target);
                pending.Made = true;
            }
        }

        private readonly Dictionary<(ulong Device, ulong Inode), string> _linked = [];

        private void CopyFile(FileSystemInfo source, string target)
        {
            // Files that are hard links of each other in the source stay hard links in the copy, as BuildKit keeps them.
            if (HostFiles.Identity(source.FullName) is { Links: > 1 } identity)
            {
                if (_linked.TryGetValue((identity.Device, identity.Inode), out string? first))
                {
                    if (File.Exists(target) || new FileInfo(target).LinkTarget is not null) File.Delete(target);
                    else if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                    if (HostFiles.TryHardLink(first, target)) return;
                }
                else
                {
                    _linked[(identity.Device, identity.Inode)] = target;
                }
            }

            context?.Check(source);
            using var input = new FileStream(source.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            FileStream output;
            try
            {
                output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            }
            catch (IOException) when (Directory.Exists(target) || File.Exists(target) || new FileInfo(target).LinkTarget is not null)
            {
                if (Directory.Exists(target) && new FileInfo(target).LinkTarget is null) Directory.Delete(target, recursive: true);
                else File.Delete(target);
                output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            }
            using (output)
            {
                if (context is null) input.CopyTo(output, 1 << 16);
                else context.CopyFile(input, output);
                // chown before chmod: chown clears the setuid and setgid bits.
                FileOwnership.Set(target, owner.Uid, owner.Gid);
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(output.SafeFileHandle, (UnixFileMode)(Mode(source, isDirectory: false) & 0xFFF));
                File.SetLastWriteTimeUtc(output.SafeFileHandle, source.LastWriteTimeUtc);
            }
        }

        private static readonly EnumerationOptions ListingOptions = new() { AttributesToSkip = 0, RecurseSubdirectories = false };

        private static FileSystemInfo Info(string path)
        {
            var file = new FileInfo(path);
            return file.Attributes.HasFlag(FileAttributes.Directory) && !file.Attributes.HasFlag(FileAttributes.ReparsePoint)
                ? new DirectoryInfo(path)
                : file;
        }

        // The directory without its contents: created (or kept), with the source's mode (or --chmod's), owner and time.
        public void CopyDirectoryItself(DirectoryInfo source, string target)
        {
            context?.Check(source);
            if (File.Exists(target) || new FileInfo(target).LinkTarget is not null) File.Delete(target);
            Directory.CreateDirectory(target);
            FileOwnership.Set(target, owner.Uid, owner.Gid);
            SetMode(target, Mode(source, isDirectory: true));
            Directory.SetLastWriteTimeUtc(target, source.LastWriteTimeUtc);
        }

        // --parents: each directory of relativeParents is made under target as a copy of the source's.
        public string CopyParents(string sourceRoot, string relativeParents, string target)
        {
            string source = sourceRoot;
            foreach (string part in relativeParents.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                source = Path.Combine(source, part);
                target = Path.Combine(target, part);
                if (!Directory.Exists(target)) CopyDirectoryItself(new DirectoryInfo(source), target);
            }
            return target;
        }

        private int Mode(FileSystemInfo source, bool isDirectory)
        {
            int mode = OperatingSystem.IsWindows() ? 0 : (int)source.UnixFileMode;
            return chmod is null ? mode : chmod(mode, isDirectory);
        }
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
            FileOwnership.Set(host, owner.Uid, owner.Gid);
            SetMode(host, Convert.ToInt32("755", 8));
        }
    }

    private static string Follow(string root, string relative, bool follow, Func<string, bool>? visible) =>
        SourceWildcards.HostPath(root, relative, follow, visible);

    private static bool Exists(string path, SelectedContext? context) =>
        (File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null) && context?.IncludesHostPath(path) != false;

    private static void SetMode(string path, int mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)(mode & 0xFFF));
    }
}
