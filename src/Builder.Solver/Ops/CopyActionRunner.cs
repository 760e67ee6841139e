using System.Globalization;
using System.IO.Hashing;
using Builder.Cache.Layers;
using Builder.Filesystem;
using Builder.Filesystem.Patterns;
using Builder.Graph;
using Builder.Solver.Context;

namespace Builder.Solver.Ops;

/// <summary>
/// Carries out one <see cref="CopyAction"/> (COPY, ADD of local files) as BuildKit v0.24's file copy does
/// (solver/llbsolver/file/backend.go's docopy, then fsutil's copy.Copy for each path the source names): wildcard
/// sources (one that matches nothing copies nothing, when allowed), each match copied onto the destination in turn
/// (into it when it is an existing directory), a directory's contents copied rather than the directory, modes and
/// times kept, symlinks inside copied trees kept as links. <c>--chmod</c> (octal or symbolic) applies to every
/// copied entry, directories too, and an octal one is also the mode of the directories the copy creates (0755
/// otherwise). Without <c>--chown</c> each entry keeps its source's owner, except that the build context's files
/// are 0:0 (the client sends them so: resetUIDAndGID in client/solve.go); directories the copy creates are 0:0.
/// <see cref="CopyAction.ExcludePatterns"/> and <see cref="CopyAction.IncludePatterns"/> are matched against paths
/// below each match, never against the match itself; ADD unpacks local tar archives.
/// </summary>
internal static class CopyActionRunner
{
    /// <exception cref="IOException">A source that is not a wildcard does not exist, or a --chown name cannot be looked up.</exception>
    /// <exception cref="Cache.Layers.LayerFormatException">An archive ADD unpacks has an entry that would land outside the destination.</exception>
    public static Task ApplyAsync(CopyAction copy, string sourceRoot, string targetRoot, CancellationToken cancellationToken) =>
        ApplyAsync(copy, sourceRoot, null, targetRoot, ResolveOwner(copy, targetRoot), cancellationToken);

    /// <summary>
    /// Copies from a build context read in place: only its selected entries exist for the copy (a link is never
    /// followed to anything else), and each entry is checked against what was hashed for the cache key.
    /// </summary>
    /// <exception cref="IOException">A source is missing, or a context file changed after it was hashed.</exception>
    public static Task ApplyAsync(CopyAction copy, SelectedContext context, string targetRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ApplyAsync(copy, context.Root, context, targetRoot, ResolveOwner(copy, targetRoot), cancellationToken);
    }

    /// <summary>
    /// Copies with the <c>--chown</c> owner already resolved (<paramref name="owner"/>; null without <c>--chown</c>):
    /// BuildKit looks names up in the filesystem as it was before the step, not as earlier actions left it.
    /// </summary>
    /// <param name="copy">The copy.</param>
    /// <param name="sourceRoot">The filesystem copied from (the context's root when <paramref name="context"/> is set).</param>
    /// <param name="context">The build context read in place, when the source is one.</param>
    /// <param name="targetRoot">The filesystem copied into.</param>
    /// <param name="owner">The owner <c>--chown</c> gives, or null to keep each source entry's.</param>
    /// <param name="cancellationToken">Cancels the copy between entries.</param>
    /// <param name="targetChanges">
    /// The overlay upper directory of <paramref name="targetRoot"/>, or null: what the copy puts under a directory it
    /// made is written there directly (see <see cref="CopyJob.ChangesRoot"/>).
    /// </param>
    internal static async Task ApplyAsync(CopyAction copy, string sourceRoot, SelectedContext? context, string targetRoot,
        (uint Uid, uint Gid)? owner, CancellationToken cancellationToken, string? targetChanges = null)
    {
        ArgumentNullException.ThrowIfNull(copy);
        Func<string, bool>? visible = context is null ? null : context.Includes;
        var job = new CopyJob(copy, context, Path.GetFullPath(targetRoot), owner, ModeChange.Of(copy.Mode),
            Matcher(copy.IncludePatterns), Matcher(copy.ExcludePatterns))
        {
            ChangesRoot = targetChanges is null ? null : Path.GetFullPath(targetChanges),
        };

        List<string> matches = copy.AllowWildcard
            ? SourceWildcards.Resolve(sourceRoot, copy.Source, copy.FollowSymlinks, visible)
            : [GoPath.Clean("/" + copy.Source).TrimStart('/')];
        if (matches.Count == 0)
        {
            // Only a wildcard names nothing. BuildKit's frontend allows that (AllowEmptyWildcard), and the copy then
            // does nothing at all: the destination is not created either (docopy returns before copy.Copy).
            if (copy.AllowEmptyWildcard) return;
            throw new IOException($"\"{copy.Source}\": not found");
        }
        if (!copy.CreateDestinationPath && !Exists(RootedPath.Resolve(targetRoot, Path.GetDirectoryName(copy.Destination.TrimEnd('/')) ?? "/"), null))
            throw new IOException($"cannot copy to {copy.Destination}: its parent directory does not exist");

        foreach (string match in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string source = SourceWildcards.HostPath(sourceRoot, match, copy.FollowSymlinks, visible);
            if (!Exists(source, context)) throw new IOException($"\"{(copy.AllowWildcard && SourceWildcards.ContainsWildcards(copy.Source) ? "/" + match : copy.Source)}\": not found");
            if (copy.UnpackArchive && IsRegularFile(source) && ArchiveUnpacker.IsArchive(source))
            {
                // A local archive is unpacked into the destination, made 0755 (solver/llbsolver/file/unpack.go); its
                // entries keep the archive's owners unless --chown is given.
                string destination = RootedPath.Resolve(targetRoot, copy.Destination);
                job.MakeDirectories(destination, FileModes.Directory);
                await ArchiveUnpacker.UnpackAsync(source, destination,
                    owner is { } chown ? ((int)chown.Uid, (int)chown.Gid) : null, cancellationToken).ConfigureAwait(false);
                context?.CheckFile(source); // what was unpacked is what was hashed
                continue;
            }
            new MatchCopier(job).Copy(match, source);
        }
    }

    private static (uint Uid, uint Gid)? ResolveOwner(CopyAction copy, string targetRoot) =>
        copy.Owner is null ? null : FileOwnerResolver.Resolve(copy.Owner, targetRoot);

    private static PatternMatcher? Matcher(System.Collections.Immutable.ImmutableArray<string> patterns) =>
        patterns.IsDefaultOrEmpty ? null : new PatternMatcher(patterns.Select(PathPattern.Create).OfType<PathPattern>());

    // One lstat: any entry, a dangling link included (File.Exists, Directory.Exists and a readlink cost three calls,
    // for each of thousands of entries a COPY checks).
    private static bool Exists(string path, SelectedContext? context) =>
        HostFiles.Describe(path) is not null && context?.IncludesHostPath(path) != false;

    // A symbolic link, from the attributes the listing's lstat already read (no readlink).
    private static bool IsLink(FileSystemInfo info) => info.Attributes.HasFlag(FileAttributes.ReparsePoint);

    private static bool IsRegularFile(string path) =>
        File.Exists(path) && new FileInfo(path).LinkTarget is null && !HostFiles.IsNode(path);

    /// <summary>What <c>--chmod</c> does: an octal mode replaces each mode, a symbolic one changes it.</summary>
    private sealed record ModeChange(int? Octal, string? Symbolic)
    {
        public static ModeChange Of(string? mode) =>
            mode is null ? new ModeChange(null, null)
            : int.TryParse(mode, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? new ModeChange(Convert.ToInt32(mode, 8), null)
            : new ModeChange(null, mode);

        // fsutil's copyFileInfo: the permission bits and setuid, setgid and sticky of an octal mode.
        public int Apply(int mode, bool isDirectory) =>
            Octal is int octal ? octal & 0xFFF : Symbolic is { } symbolic ? SymbolicMode.Apply(symbolic, mode, isDirectory) : mode;

        // fsutil's MkdirAll gets the octal mode, else 0755; buildkitd's umask is 0 and mkdir(2) keeps only the
        // permission bits.
        public int CreatedDirectory => Octal is int octal ? octal & 0x1FF : FileModes.Directory;
    }

    /// <summary>One copy action's settings, shared by the copies of its matches.</summary>
    private sealed record CopyJob(CopyAction Copy, SelectedContext? Context, string TargetRoot, (uint Uid, uint Gid)? Owner,
        ModeChange Mode, PatternMatcher? Include, PatternMatcher? Exclude)
    {
        /// <summary>
        /// fsutil's MkdirAll: the missing directories of <paramref name="path"/> (a host path inside the target) are
        /// made with <paramref name="mode"/>, owned by --chown's owner, else by root (as buildkitd makes them).
        /// </summary>
        public void MakeDirectories(string path, int mode)
        {
            if (Directory.Exists(path)) return;
            if (File.Exists(path)) throw new IOException($"mkdir {Relative(path)}: not a directory");
            string? parent = Path.GetDirectoryName(path);
            if (parent is not null && parent.Length > TargetRoot.Length) MakeDirectories(parent, mode);
            Directory.CreateDirectory(path);
            if (Owner is { } owner) FileOwnership.Set(path, owner.Uid, owner.Gid);
            SetMode(path, mode);
            _made.Add(path);
        }

        // The directories MakeDirectories made, through the overlay (host paths in TargetRoot).
        private readonly HashSet<string> _made = new(StringComparer.Ordinal);

        /// <summary>
        /// The overlay upper directory of <see cref="TargetRoot"/>, or null (a copied snapshot). What the copy puts under a
        /// directory it made through the overlay goes straight into the upper directory, where the overlay would put it:
        /// such a directory is the upper one alone, and the overlay has looked up nothing in it, so it finds there what the
        /// copy wrote. Writing through overlayfs costs two to three times as much per file (a COPY of thousands of files).
        /// </summary>
        public string? ChangesRoot { get; init; }

        /// <summary>
        /// Where the entries of the directory <paramref name="target"/> are written: in the upper directory when the copy
        /// made <paramref name="target"/> (<paramref name="made"/>, or MakeDirectories did), else beside it.
        /// </summary>
        public string ChildrenRoot(string target, bool made) =>
            ChangesRoot is { } changes && !InChanges(target) && (made || _made.Contains(target))
                ? changes + target[TargetRoot.Length..]
                : target;

        /// <summary><paramref name="path"/> as seen from the same side as <paramref name="other"/> (the overlay, or its upper directory).</summary>
        public string SameSideAs(string path, string other) =>
            ChangesRoot is not { } changes || InChanges(path) == InChanges(other) ? path
            : InChanges(path) ? TargetRoot + path[changes.Length..]
            : changes + path[TargetRoot.Length..];

        private bool InChanges(string path) =>
            ChangesRoot is { } changes && path.StartsWith(changes, StringComparison.Ordinal) && (path.Length == changes.Length || path[changes.Length] == '/');

        /// <summary>A host path inside the target (or its upper directory) as the image sees it, for messages.</summary>
        public string Relative(string path) =>
            "/" + Path.GetRelativePath(InChanges(path) ? ChangesRoot! : TargetRoot, path).Replace('\\', '/').TrimStart('.', '/');
    }

    /// <summary>
    /// fsutil's copier for one match: its destination prepared (prepareTargetDir), then the tree copied with
    /// include and exclude patterns matched against paths below the match (<c>MatchesUsingParentResults</c>, each
    /// directory's results handed down). A directory the patterns leave out is walked when something below it may
    /// still be copied, and made, with its source's mode and owner, only when something is (createParentDirs).
    /// </summary>
    /// <remarks>
    /// Entries are read as <see cref="FileSystemInfo"/>s, whose type, mode and time come from the one lstat made
    /// while listing their directory. From a build context read in place, only the selected entries are listed,
    /// and each is checked against what was hashed: kind, mode and link target as it is copied, a file's content
    /// as it is read. Hard links between copied files are kept, per match (fsutil makes a copier per match).
    /// </remarks>
    private sealed class MatchCopier(CopyJob job)
    {
        private static readonly EnumerationOptions ListingOptions = new() { AttributesToSkip = 0, RecurseSubdirectories = false };

        // The directories above the entry being copied, outermost first (fsutil's parentDirs).
        private readonly List<PendingDirectory> _parents = [];
        private readonly Dictionary<(ulong Device, ulong Inode), string> _linked = [];

        // Entries below the directory being walked that are not directories, copied together when it ends (CopyPending).
        private readonly List<PendingEntry> _pending = [];

        // Fewer entries are copied on the walking thread alone: starting workers costs more than they save.
        private const int ParallelFromEntries = 8;

        private sealed record PendingEntry(FileSystemInfo Source, string Target, bool CopyInfo);

        private sealed class PendingDirectory(DirectoryInfo source, string target)
        {
            public DirectoryInfo Source { get; } = source;
            public string Target { get; } = target;
            public bool Made { get; set; }

            // Made by this copy, so empty but for what the copy puts there: nothing in it needs looking up.
            public bool Created { get; set; }
        }

        public void Copy(string match, string source)
        {
            CopyAction copy = job.Copy;
            // fsutil's Copy: the destination's parent is made first, or the destination itself when it ends in '/'.
            string destination = copy.Destination;
            int slash = destination.LastIndexOf('/');
            string last = destination[(slash + 1)..];
            job.MakeDirectories(RootedPath.Resolve(job.TargetRoot, last is "" or "." ? destination : destination[..(slash + 1)]), job.Mode.CreatedDirectory);
            string target = RootedPath.Resolve(job.TargetRoot, GoPath.Clean(destination));

            // prepareTargetDir: a file goes into an existing directory, a directory's contents onto the destination.
            FileSystemInfo info = Info(source);
            bool sourceIsDirectory = IsDirectory(info);
            bool targetExists = Directory.Exists(target) || File.Exists(target);
            if ((!copy.CopyDirectoryContents && sourceIsDirectory && targetExists) || (!sourceIsDirectory && Directory.Exists(target)))
                target = Path.Combine(target, match.Length == 0 ? "" : match[(match.LastIndexOf('/') + 1)..]);
            string parent = copy.CopyDirectoryContents && sourceIsDirectory && !targetExists ? target : Path.GetDirectoryName(target)!;
            job.MakeDirectories(parent, job.Mode.CreatedDirectory);

            Copy(info, "", target, overwriteTargetMetadata: false, default, default);
        }

        private void Copy(FileSystemInfo source, string components, string target, bool overwriteTargetMetadata, MatchInfo parentIncluded, MatchInfo parentExcluded)
        {
            // In a directory this copy created, only what it copied there exists, and each name is copied once.
            bool targetExisted = !(components.Length > 0 && _parents.Count > 0 && _parents[^1] is { Made: true, Created: true }) && Exists(target, null);
            bool include = true, excludedHere = false;
            MatchInfo included = default, excluded = default;
            if (components.Length > 0)
            {
                if (job.Include is { } includes) include = includes.MatchesUsingParentResults(components, parentIncluded, out included);
                if (job.Exclude is { } excludes && excludes.MatchesUsingParentResults(components, parentExcluded, out excluded))
                    (include, excludedHere) = (false, true);
            }
            bool isDirectory = IsDirectory(source);
            if (include) MakeParents(overwriteTargetMetadata);
            if (!isDirectory)
            {
                if (!include) return;
                if (targetExisted) RemoveFileTarget(target);
            }

            bool copyInfo = include, restoreTime = false, infoCopied = false;
            if (isDirectory)
            {
                if (!include && !MayIncludeBelow(components, excludedHere)) return;
                bool created = CopyDirectory((DirectoryInfo)source, components, target, overwriteTargetMetadata, include, included, excluded);
                if (!overwriteTargetMetadata)
                {
                    // The match itself: an existing directory keeps its metadata, only taking the source's time.
                    copyInfo = created;
                    restoreTime = !created;
                }
            }
            else if (_parents.Count > 0)
            {
                // Inside a directory: copied with the directory's other entries, in parallel, before its time is set.
                _pending.Add(new PendingEntry(source, target, copyInfo));
                return;
            }
            else
            {
                infoCopied = CopyEntry(source, target, HostFiles.Describe(source.FullName), linkedLater: false) == EntryCopy.WithInfo;
            }

            if (copyInfo && !infoCopied) CopyFileInfo(source, target);
            else if (restoreTime && targetExisted) Directory.SetLastWriteTimeUtc(target, source.LastWriteTimeUtc);
        }

        /// <summary>How far <see cref="CopyEntry"/> went.</summary>
        private enum EntryCopy
        {
            /// <summary>Made; its owner, mode and time are still to be given.</summary>
            Made,
            /// <summary>Made with its owner, mode and time.</summary>
            WithInfo,
            /// <summary>Left for the walk: a file with other hard links, which must follow the walk's order.</summary>
            HardLinked,
        }

        // A non-directory entry of the match, described by one statx (kind, mode, identity, link count), which the copy
        // and the context check use too; asking the FileSystemInfo would add an lstat and a geteuid per file. With
        // linkedLater, a regular file with other hard links is left for the walk (CopyPending).
        private EntryCopy CopyEntry(FileSystemInfo source, string target, HostEntry? described, bool linkedLater)
        {
            if (described?.Kind == HostEntryKind.Symlink && source.LinkTarget is { } link)
            {
                job.Context?.Check(source);
                File.CreateSymbolicLink(target, link);
            }
            else if (job.Context is { } context && context.IsSocket(source))
            {
                // BuildKit's context transfer sends a socket as an empty file; it is never opened.
                context.Check(source);
                new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0).Dispose();
            }
            else if (described?.Kind is HostEntryKind.Node or HostEntryKind.Socket) // devices and fifos: made again, never read
            {
                job.Context?.Check(source);
                HostFiles.CopyNode(source.FullName, target);
            }
            else if (linkedLater && described?.Identity is { Links: > 1 })
            {
                return EntryCopy.HardLinked;
            }
            else
            {
                return CopyFile(source, described, target) ? EntryCopy.WithInfo : EntryCopy.Made;
            }
            return EntryCopy.Made;
        }

        // The entries of the directory just walked, copied on every core: a COPY of thousands of small files spends its
        // time in system calls (open, read, write, chown, chmod, utimensat, close) that do not wait on each other.
        // Files with other hard links are then copied in the walk's order, so that the first path of each inode is
        // the one the others link to, as fsutil's copier makes them. Nothing in the directory is touched after this,
        // so the directory's own time, set by the caller, is the source's.
        private void CopyPending()
        {
            if (_pending.Count == 0) return;
            PendingEntry[] entries = [.. _pending];
            _pending.Clear();
            var outcomes = new EntryCopy[entries.Length];
            var described = new HostEntry?[entries.Length];
            void CopyOne(int i)
            {
                PendingEntry entry = entries[i];
                described[i] = HostFiles.Describe(entry.Source.FullName);
                outcomes[i] = CopyEntry(entry.Source, entry.Target, described[i], linkedLater: true);
                if (outcomes[i] == EntryCopy.Made && entry.CopyInfo) CopyFileInfo(entry.Source, entry.Target);
            }
            EveryCore.For(entries.Length, ParallelFromEntries, CopyOne);
            for (int i = 0; i < entries.Length; i++)
            {
                if (outcomes[i] != EntryCopy.HardLinked) continue;
                PendingEntry entry = entries[i];
                if (!CopyFile(entry.Source, described[i], entry.Target) && entry.CopyInfo) CopyFileInfo(entry.Source, entry.Target);
            }
        }

        // Whether a directory the patterns leave out can hold something they keep: the walk fsutil makes anyway,
        // skipped when it cannot copy anything (an exclusion no exception reaches into, includes that lie elsewhere).
        private bool MayIncludeBelow(string directory, bool excludedHere)
        {
            if (excludedHere) return job.Exclude!.HasExceptions && !job.Exclude.CanSkipExcludedDirectory(directory);
            return job.Include is null || !job.Include.CanSkipUnincludedDirectory(directory);
        }

        // fsutil's copyDirectory: the directory is made now when the patterns keep it, else when something below is copied.
        private bool CopyDirectory(DirectoryInfo source, string components, string target, bool overwriteTargetMetadata,
            bool include, MatchInfo included, MatchInfo excluded)
        {
            job.Context?.Check(source);
            var parent = new PendingDirectory(source, target);
            bool created = false;
            if (include)
            {
                created = CopyDirectoryOnly(source, target, overwriteTargetMetadata);
                (parent.Made, parent.Created) = (true, created);
            }
            _parents.Add(parent);
            string childrenRoot = job.ChildrenRoot(target, created);
            try
            {
                IEnumerable<FileSystemInfo> children = job.Context is null ? source.EnumerateFileSystemInfos("*", ListingOptions) : job.Context.Children(source);
                foreach (FileSystemInfo child in children.OrderBy(c => c.Name, StringComparer.Ordinal))
                {
                    Copy(child, components.Length == 0 ? child.Name : components + "/" + child.Name, Path.Combine(childrenRoot, child.Name),
                        overwriteTargetMetadata: true, included, excluded);
                }
                CopyPending();
            }
            finally
            {
                _parents.RemoveAt(_parents.Count - 1);
            }
            return created;
        }

        // fsutil's createParentDirs: the directories above an entry the patterns keep are made first.
        private void MakeParents(bool overwriteTargetMetadata)
        {
            foreach (PendingDirectory parent in _parents)
            {
                if (parent.Made) continue;
                parent.Created = CopyDirectoryOnly(parent.Source, parent.Target, overwriteTargetMetadata);
                if (parent.Created) CopyFileInfo(parent.Source, parent.Target);
                parent.Made = true;
            }
        }

        // fsutil's copyDirectoryOnly: made with the source's mode, or an existing one given it when its metadata is
        // overwritten (every directory below the match); a non-directory in the way fails.
        private bool CopyDirectoryOnly(DirectoryInfo source, string target, bool overwriteTargetMetadata)
        {
            if (!Exists(target, null))
            {
                Directory.CreateDirectory(target);
                SetMode(target, (int)source.UnixFileMode);
                return true;
            }
            if (!IsDirectory(Info(target))) throw new IOException($"cannot copy to non-directory: {job.Relative(target)}");
            if (overwriteTargetMetadata) SetMode(target, (int)source.UnixFileMode);
            return false;
        }

        // fsutil's ensureEmptyFileTarget: a file replaces a file or a link, never a directory.
        private void RemoveFileTarget(string target)
        {
            if (!Exists(target, null)) return;
            if (IsDirectory(Info(target))) throw new IOException($"cannot replace to directory {job.Relative(target)} with file");
            File.Delete(target);
        }

        // fsutil's copyFileInfo: owner (--chown's, else the source's: 0:0 for the build context), then mode (--chmod
        // applied; chown first, since it clears setuid and setgid), then time. A link keeps its own mode.
        private void CopyFileInfo(FileSystemInfo source, string target)
        {
            (uint uid, uint gid) = job.Owner ?? (job.Context is not null ? (0u, 0u) : HostFiles.Owner(source.FullName));
            FileOwnership.Set(target, uid, gid);
            if (IsLink(source)) return;
            SetMode(target, job.Mode.Apply((int)source.UnixFileMode, IsDirectory(source)));
            if (IsDirectory(source)) Directory.SetLastWriteTimeUtc(target, source.LastWriteTimeUtc);
            else File.SetLastWriteTimeUtc(target, source.LastWriteTimeUtc);
        }

        // Copies a regular file (described by one statx, null when it is gone) and, unless it became a hard link of one
        // copied before, its owner, mode and time (copyFileInfo's order) through the open copy, so no path is walked
        // again: true when it did those too.
        private bool CopyFile(FileSystemInfo source, HostEntry? described, string target)
        {
            // Files that are hard links of each other in the source stay hard links in the copy, as fsutil keeps them.
            if (described?.Identity is { Links: > 1 } identity)
            {
                if (_linked.TryGetValue((identity.Device, identity.Inode), out string? first))
                {
                    if (HostFiles.TryHardLink(job.SameSideAs(first, target), target)) return false;
                }
                else
                {
                    _linked[(identity.Device, identity.Inode)] = target;
                }
            }

            job.Context?.Check(source.FullName, described);
            if (described is not { } file) throw new FileNotFoundException($"Could not find file '{source.FullName}'.", source.FullName);
            (uint uid, uint gid) owner = job.Owner ?? (job.Context is not null ? (0u, 0u) : HostFiles.Owner(source.FullName));
            int mode = job.Mode.Apply(file.Permissions, isDirectory: false) & 0xFFF;

            // One read and one write for a file that fits the buffer. The buffer is reused: fresh memory for each file
            // (or for the layer to take the bytes from, tried: 40 MB kept cost 10,700 page faults, more than reading
            // the files back) is dearer than the copy.
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
            try
            {
                // What is copied from the build context is hashed as it is read: content that is not what the cache
                // key was made from fails the build (SelectedContext.CheckCopied).
                var hash = job.Context is null ? null : new XxHash128();
                RegularFileCopy.Copy(source.FullName, target, buffer, hash is null ? null : hash.Append, owner, mode, file.Identity.ModifiedNanoseconds);
                if (hash is not null) job.Context!.CheckCopied(source.FullName, hash.GetCurrentHashAsUInt128());
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
            return true;
        }

        private static FileSystemInfo Info(string path)
        {
            var file = new FileInfo(path);
            return file.Attributes.HasFlag(FileAttributes.Directory) && !file.Attributes.HasFlag(FileAttributes.ReparsePoint)
                ? new DirectoryInfo(path)
                : file;
        }

        // A directory itself, not a link to one (.NET lists a link to a directory as a DirectoryInfo).
        private static bool IsDirectory(FileSystemInfo info) =>
            info is DirectoryInfo && !info.Attributes.HasFlag(FileAttributes.ReparsePoint);
    }

    // The solver runs on Linux only (runc, overlayfs); the guard satisfies the platform analyzer.
    private static void SetMode(string path, int mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)(mode & 0xFFF));
    }
}
