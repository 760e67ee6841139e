using System.Collections.Immutable;
using System.IO.Hashing;
using Builder.Cache.Layers;
using Builder.Filesystem.Native;
using Builder.Solver.Caching;

namespace Builder.Solver.Context;

/// <summary>
/// The entries of a build context that one <see cref="Graph.ContextSourceStep"/> selects, hashed where they are and
/// never copied ahead: a step found in the cache reads nothing more of the context. A COPY that runs reads the
/// entries in place (<see cref="Includes"/> hides everything else, so a link is never followed to a file the
/// selection left out), and each file it reads is checked against what was hashed, so a file edited during the
/// build fails it rather than being copied under the old cache key. Steps that need a directory (a
/// <c>RUN --mount=type=bind</c> of the context, a stage <c>FROM</c> a named context) get one from
/// <see cref="MaterializeAsync"/>, made once per build and checked the same way.
/// </summary>
public sealed class SelectedContext
{
    // What was hashed of each entry: kind ("f", "d", "l:target", "n:c:1:5", "s": ContentHasher.Describe), mode, and for a file its identity and content hash;
    // Racy when it was modified so shortly before that a later write could keep its time (StatCache.RacyWindow).
    private sealed record Entry(string Kind, int Mode, FileIdentity? Identity, UInt128 Content, bool Racy);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _childCounts = new(StringComparer.Ordinal);
    private readonly ImmutableArray<string> _paths;
    private KeyValuePair<string, ulong>[]? _listing;

    /// <summary>Hashes the entries at <paramref name="paths"/> (relative to <paramref name="root"/>, '/'-separated) in place.</summary>
    /// <exception cref="IOException">An entry disappeared between listing and hashing, or a file cannot be read (named by its path in the context).</exception>
    internal SelectedContext(string root, IEnumerable<string> paths, StatCache hashes, CancellationToken cancellationToken)
    {
        Root = Path.GetFullPath(root);
        _paths = [.. paths.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        long racy = (DateTimeOffset.UtcNow - StatCache.RacyWindow).ToUnixTimeMilliseconds() * 1_000_000;
        // The entries are described and looked up (or hashed) on every core: one statx and a stat cache lookup each,
        // thousands of them in a source tree. The content hash then takes them in path order.
        var read = new Entry[_paths.Length];
        void ReadOne(int i)
        {
            string path = _paths[i];
            string full = Path.Combine(Root, path);
            // One lstat per entry: kind, mode and the identity the stat cache looks the content up by.
            HostEntry described = HostFiles.Describe(full) ?? throw Changed(full);
            (string kind, int mode) = ContentHasher.Describe(described, full);
            FileIdentity? identity = kind == "f" ? described.Identity : null;
            UInt128 content;
            try
            {
                content = kind == "f" ? hashes.GetOrAdd(described.Identity, full, ContentHasher.HashContent) : 0;
            }
            catch (UnauthorizedAccessException)
            {
                throw new IOException($"cannot read '{path}' in the build context {Root}: permission denied");
            }
            read[i] = new Entry(kind, mode, identity, content, identity is { } known && known.ModifiedNanoseconds >= racy);
        }
        EveryCore.For(_paths.Length, ParallelFromEntries, ReadOne, cancellationToken);
        var hash = new XxHash128();
        _entries.EnsureCapacity(_paths.Length);
        for (int i = 0; i < _paths.Length; i++)
        {
            string path = _paths[i];
            Entry entry = read[i];
            ContentHasher.Append(hash, path, entry.Kind, entry.Mode, entry.Kind == "f" ? entry.Content : null);
            _entries[path] = entry;
            string parent = ParentOf(path);
            _childCounts[parent] = _childCounts.GetValueOrDefault(parent) + 1;
        }
        ContentHash = Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    // Fewer entries are read on the calling thread alone: starting workers costs more than they save.
    private const int ParallelFromEntries = 64;

    /// <summary>The context directory, a full path.</summary>
    public string Root { get; }

    /// <summary>The hash of the selected entries (paths, kinds, modes, link targets, file contents), for cache keys.</summary>
    public string ContentHash { get; }

    /// <summary>The selected paths, relative to <see cref="Root"/>, in ordinal order.</summary>
    public ImmutableArray<string> Paths => _paths;

    /// <summary>
    /// Each selected path with a 64-bit digest of what was hashed of it (kind, mode, content): what a cache miss compares
    /// to name the files that changed (<see cref="Caching.CacheMissExplainer"/>), in path order; made once, on the first miss that needs it.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, ulong>> Listing() => _listing ??= [.. _paths.Select(path =>
    {
        Entry entry = _entries[path];
        var hash = new XxHash64();
        hash.Append(System.Text.Encoding.UTF8.GetBytes($"{entry.Kind}\0{entry.Mode}\0"));
        Span<byte> content = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(content, entry.Content);
        hash.Append(content);
        return new KeyValuePair<string, ulong>(path, hash.GetCurrentHashAsUInt64());
    })];

    /// <summary>Whether <paramref name="path"/> (relative to <see cref="Root"/>, '/'-separated; "" is the root) is selected.</summary>
    public bool Includes(string path) => path.Length == 0 || _entries.ContainsKey(path);

    /// <summary>Whether the host path <paramref name="path"/> (inside <see cref="Root"/>) is selected.</summary>
    internal bool IncludesHostPath(string path) => Includes(RelativeOf(path));

    /// <summary>
    /// The selected children of <paramref name="directory"/>, each a <see cref="DirectoryInfo"/> when the directory
    /// lists it as one, else a <see cref="FileInfo"/>; none is lstat'ed here (.NET's enumeration lstats every entry it
    /// makes a <see cref="FileSystemInfo"/> of, and a copy describes each file itself). A selected child that is no
    /// longer there fails the build.
    /// </summary>
    internal IEnumerable<FileSystemInfo> Children(DirectoryInfo directory)
    {
        string relative = RelativeOf(directory.FullName);
        string prefix = relative.Length == 0 ? "" : relative + "/";
        List<FileSystemInfo> children = [.. DirectoryReader.Read(directory.FullName)
            .Where(child => _entries.ContainsKey(prefix + child.Name))
            .Select(child => child.Type == DirectoryReader.EntryType.Directory
                ? (FileSystemInfo)new DirectoryInfo(Path.Join(directory.FullName, child.Name))
                : new FileInfo(Path.Join(directory.FullName, child.Name)))];
        if (children.Count != _childCounts.GetValueOrDefault(relative))
        {
            string missing = _paths.First(p => ParentOf(p) == relative && !children.Any(c => prefix + c.Name == p));
            throw Changed(Path.Combine(Root, missing));
        }
        return children;
    }

    /// <summary>Fails when the selected entry <paramref name="info"/> is no longer the kind, mode or link it was hashed as.</summary>
    internal void Check(FileSystemInfo info)
    {
        if (!_entries.ContainsKey(RelativeOf(info.FullName))) return; // not hashed here: nothing to compare
        info.Refresh();
        Check(info.FullName, HostFiles.Describe(info.FullName));
    }

    /// <summary>
    /// Fails when the selected entry at <paramref name="path"/>, as one lstat just described it (<paramref name="now"/>;
    /// null when it is gone), is no longer the kind, mode or link it was hashed as.
    /// </summary>
    internal void Check(string path, HostEntry? now)
    {
        if (!_entries.TryGetValue(RelativeOf(path), out Entry? entry)) return; // not hashed here: nothing to compare
        if (now is not { } described || ContentHasher.Describe(described, path) != (entry.Kind, entry.Mode)) throw Changed(path);
    }

    /// <summary>
    /// Whether the selected entry <paramref name="info"/> is a socket, which a copy makes an empty file: what BuildKit's
    /// context transfer makes of one (<see cref="ContentHasher.Socket"/>).
    /// </summary>
    internal bool IsSocket(FileSystemInfo info) =>
        _entries.TryGetValue(RelativeOf(info.FullName), out Entry? entry) && entry.Kind == ContentHasher.Socket;

    /// <summary>
    /// Copies the selected file opened as <paramref name="input"/> to <paramref name="output"/>, hashing what it reads:
    /// content that is not what was hashed fails the build.
    /// </summary>
    internal void CopyFile(FileStream input, Stream output)
    {
        var hash = new XxHash128();
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int read;
            while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.Append(buffer.AsSpan(0, read));
                output.Write(buffer, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        CheckCopied(input.Name, hash.GetCurrentHashAsUInt128());
    }

    /// <summary>
    /// Fails when <paramref name="content"/>, the hash of the bytes just copied from the selected file at
    /// <paramref name="path"/>, is not the content that was hashed for the cache key.
    /// </summary>
    internal void CheckCopied(string path, UInt128 content)
    {
        if (!_entries.TryGetValue(RelativeOf(path), out Entry? entry) || entry.Kind != "f" || entry.Content != content)
            throw Changed(path);
    }

    /// <summary>Fails when the selected file at <paramref name="path"/> (read by other means, an archive ADD unpacks) is not what was hashed.</summary>
    internal void CheckFile(string path)
    {
        if (!_entries.TryGetValue(RelativeOf(path), out Entry? entry) || entry.Kind != "f" || !File.Exists(path)
            || ContentHasher.HashContent(path) != entry.Content)
            throw Changed(path);
    }

    /// <summary>
    /// Reproduces the selected entries, with their modes and times, in <paramref name="destination"/> (made here): files
    /// hard-linked when the file system allows (nothing copied, and each link checked to be the file hashed), copied
    /// otherwise with the context's own hard links kept and their content checked.
    /// </summary>
    /// <exception cref="IOException">A selected file changed after it was hashed.</exception>
    public Task MaterializeAsync(string destination, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(destination);
        var directories = new List<(string Target, DateTime Modified)>();
        var copies = new Dictionary<(ulong, ulong), string>();
        foreach (string path in _paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Entry entry = _entries[path];
            string source = Path.Combine(Root, path), target = Path.Combine(destination, path);
            // The walk reports a kept entry's directories before it; a parent is made here only when it was not.
            if (!_entries.ContainsKey(ParentOf(path))) Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var info = new FileInfo(source);
            Check(info);
            if (entry.Kind == "d")
            {
                Directory.CreateDirectory(target);
                SetMode(target, entry.Mode);
                directories.Add((target, info.LastWriteTimeUtc));
            }
            else if (entry.Kind.StartsWith("l:", StringComparison.Ordinal))
            {
                File.CreateSymbolicLink(target, entry.Kind[2..]);
            }
            else if (entry.Kind.StartsWith("n:", StringComparison.Ordinal))
            {
                // A device or fifo is made again, never opened (fsutil's receiver mknods it).
                HostFiles.CopyNode(source, target);
                File.SetLastWriteTimeUtc(target, info.LastWriteTimeUtc);
            }
            else if (entry.Kind == ContentHasher.Socket)
            {
                using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
                SetMode(output.SafeFileHandle, entry.Mode);
                File.SetLastWriteTimeUtc(output.SafeFileHandle, info.LastWriteTimeUtc);
            }
            else if (HostFiles.TryHardLink(source, target))
            {
                if (HostFiles.Identity(target) is not { } linked || entry.Identity is not { } hashed
                    || (linked.Device, linked.Inode, linked.Size, linked.ModifiedNanoseconds) != (hashed.Device, hashed.Inode, hashed.Size, hashed.ModifiedNanoseconds))
                    throw Changed(source);
                if (entry.Racy) CheckFile(source); // same time, but maybe not the same content
            }
            else
            {
                if (entry.Identity is { Links: > 1 } identity)
                {
                    if (copies.TryGetValue((identity.Device, identity.Inode), out string? first) && HostFiles.TryHardLink(first, target)) continue;
                    copies[(identity.Device, identity.Inode)] = target;
                }
                using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
                using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
                {
                    CopyFile(input, output);
                    SetMode(output.SafeFileHandle, entry.Mode);
                    File.SetLastWriteTimeUtc(output.SafeFileHandle, info.LastWriteTimeUtc);
                }
            }
        }
        // Directory times last: writing children changes them.
        foreach ((string target, DateTime modified) in directories.OrderByDescending(d => d.Target.Length))
            Directory.SetLastWriteTimeUtc(target, modified);
        return Task.CompletedTask;
    }

    private static IOException Changed(string path) =>
        new($"{path} changed while the build was reading it; run the build again");

    private string RelativeOf(string path)
    {
        string relative = Path.GetRelativePath(Root, path);
        return relative == "." ? "" : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    private static string ParentOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    private static void SetMode(string path, int mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    private static void SetMode(Microsoft.Win32.SafeHandles.SafeFileHandle handle, int mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(handle, (UnixFileMode)mode);
    }
}
