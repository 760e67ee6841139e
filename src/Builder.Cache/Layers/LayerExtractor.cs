using Builder.Filesystem;

namespace Builder.Cache.Layers;

/// <summary>
/// Writes the entries of one tar under a root; the safety rules are on <see cref="LayerApplier"/>. A layer applies
/// whiteouts and keeps the owners it records; an archive unpacked by ADD (<see cref="ArchiveUnpacker"/>) writes
/// <c>.wh.</c> names as plain files, as Docker's untar does, and may give every entry one owner. A layer unpacked
/// on its own to serve as an overlayfs lower directory writes whiteouts in overlayfs's form instead.
/// </summary>
internal sealed class LayerExtractor(string root, TarEntryReader reader, WhiteoutHandling whiteouts = WhiteoutHandling.Apply, (int Uid, int Gid)? owner = null)
{
    private readonly HashSet<string> _writtenOrAncestors = new(StringComparer.Ordinal) { root };
    private readonly List<(string Path, long MTime)> _directoryTimes = [];

    public async Task ExtractAsync(CancellationToken cancellationToken)
    {
        while (await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await ApplyAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsEntryProblem(e))
            {
                throw new LayerFormatException(entry.Name, $"cannot be applied: {e.Message}");
            }
        }
        // Directory mtimes last: creating children changed them.
        for (int i = _directoryTimes.Count - 1; i >= 0; i--)
        {
            if (LinuxFileSystem.TryLStat(_directoryTimes[i].Path) is { IsDirectory: true })
                LinuxFileSystem.SetTimes(_directoryTimes[i].Path, _directoryTimes[i].MTime, 0);
        }
    }

    private async Task ApplyAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        List<string> components = Clean(entry.Name, entry.Name);
        if (components.Count == 0)
            return; // the root itself ("./" or "/"): its attributes belong to whoever made the root
        string name = components[^1];
        components.RemoveAt(components.Count - 1);

        if (whiteouts == WhiteoutHandling.Overlay && name.StartsWith(Whiteout.Prefix, StringComparison.Ordinal))
        {
            // overlayfs: a 0/0 character device hides a lower entry; trusted.overlay.opaque=y hides a directory's lower contents.
            string whiteoutParent = ResolveParent(entry.Name, components, create: true)!;
            if (name == Whiteout.OpaqueMarker)
            {
                LinuxFileSystem.SetXattr(whiteoutParent, "trusted.overlay.opaque", "y"u8.ToArray());
            }
            else
            {
                string hidden = Path.Join(whiteoutParent, name[Whiteout.Prefix.Length..]);
                RemoveIfPresent(hidden);
                LinuxFileSystem.MkNod(hidden, FileStatus.TypeCharacter, 0, 0);
                MarkWritten(hidden);
            }
            return;
        }
        if (whiteouts == WhiteoutHandling.Apply && name.StartsWith(Whiteout.Prefix, StringComparison.Ordinal))
        {
            if (ResolveParent(entry.Name, components, create: false) is not { } whiteoutParent)
                return; // nothing below to hide
            if (name == Whiteout.OpaqueMarker)
                PruneLower(whiteoutParent);
            else if (Path.Join(whiteoutParent, name[Whiteout.Prefix.Length..]) is var hidden && !_writtenOrAncestors.Contains(hidden))
                RemoveIfPresent(hidden); // a whiteout hides lower layers only (layer.md, "Whiteouts")
            return;
        }

        string parent = ResolveParent(entry.Name, components, create: true)!;
        string path = Path.Join(parent, name);
        FileStatus? existing = LinuxFileSystem.TryLStat(path);
        if (existing is not null && !(existing.IsDirectory && entry.Type == TarEntryType.Directory))
        {
            Remove(path, existing);
            existing = null;
        }
        MarkWritten(path);

        switch (entry.Type)
        {
            case TarEntryType.Directory:
                if (existing is null)
                    Directory.CreateDirectory(path);
                break;
            case TarEntryType.RegularFile:
                await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                    await reader.CopyContentAsync(file, cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryType.SymbolicLink:
                // Linux has no symbolic link to "" (symlink(2) fails with ENOENT).
                if (string.IsNullOrEmpty(entry.LinkName))
                    throw new LayerFormatException(entry.Name, "a symbolic link without a target");
                File.CreateSymbolicLink(path, entry.LinkName);
                break;
            case TarEntryType.HardLink:
                LinuxFileSystem.Link(ResolveLinkTarget(entry), path);
                return; // the inode keeps the attributes of its first entry
            case TarEntryType.CharacterDevice:
                LinuxFileSystem.MkNod(path, FileStatus.TypeCharacter | (uint)(entry.Mode & 0xFFF), entry.DeviceMajor, entry.DeviceMinor);
                break;
            case TarEntryType.BlockDevice:
                LinuxFileSystem.MkNod(path, FileStatus.TypeBlock | (uint)(entry.Mode & 0xFFF), entry.DeviceMajor, entry.DeviceMinor);
                break;
            case TarEntryType.Fifo:
                LinuxFileSystem.MkNod(path, FileStatus.TypeFifo | (uint)(entry.Mode & 0xFFF), 0, 0);
                break;
            default:
                throw new LayerFormatException(entry.Name, $"tar entry type '{(char)entry.Type}' is not supported in a layer");
        }

        // chown before chmod and xattrs: chown clears setuid/setgid bits and security.capability.
        LinuxFileSystem.LChown(path, owner?.Uid ?? entry.Uid, owner?.Gid ?? entry.Gid);
        if (entry.Type != TarEntryType.SymbolicLink)
            LinuxFileSystem.Chmod(path, (uint)(entry.Mode & 0xFFF));
        foreach ((string key, byte[] value) in entry.Xattrs)
            LinuxFileSystem.SetXattr(path, key, value);
        if (entry.Type == TarEntryType.Directory)
            _directoryTimes.Add((path, entry.MTimeSeconds));
        else
            LinuxFileSystem.SetTimes(path, entry.MTimeSeconds, 0);
    }

    // Errors an entry's own fields cause (an xattr a fifo cannot have, a uid past 2³², a name past NAME_MAX, a
    // file where a directory is needed): the layer is malformed, and the error names the entry. Errors of the
    // host (ENOSPC, EIO, EROFS) stay what they are. .NET puts the errno in HResult on Linux.
    private static readonly HashSet<int> EntryErrnos = [1 /* EPERM */, 7 /* E2BIG */, 13 /* EACCES */, 17 /* EEXIST */,
        20 /* ENOTDIR */, 21 /* EISDIR */, 22 /* EINVAL */, 27 /* EFBIG */, 31 /* EMLINK */, 34 /* ERANGE */,
        36 /* ENAMETOOLONG */, 39 /* ENOTEMPTY */, 40 /* ELOOP */, 61 /* ENODATA */, 95 /* EOPNOTSUPP */];

    private static bool IsEntryProblem(Exception e) =>
        e is UnauthorizedAccessException or PathTooLongException || (e is IOException && EntryErrnos.Contains(e.HResult));

    /// <summary>The components of <paramref name="name"/> with '.', empty parts and a leading '/' dropped.</summary>
    private static List<string> Clean(string entryName, string name)
    {
        var components = new List<string>();
        foreach (string part in name.Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part == "..")
            {
                if (components.Count == 0)
                    throw new LayerFormatException(entryName, $"'{name}' leads outside the root directory");
                components.RemoveAt(components.Count - 1);
                continue;
            }
            if (part.Contains('\0'))
                throw new LayerFormatException(entryName, "a name contains a NUL byte");
            components.Add(part);
        }
        return components;
    }

    /// <summary>
    /// The real directory for <paramref name="components"/>, following symlinks as inside a chroot (the one
    /// secure join, <see cref="RootedPath.TryResolveDirectory"/>, in its strict form). Missing directories are
    /// created (0755, root) when <paramref name="create"/> is set; otherwise the result is null.
    /// </summary>
    private string? ResolveParent(string entryName, List<string> components, bool create)
    {
        try
        {
            return RootedPath.TryResolveDirectory(root, components, create ? MarkWritten : null, out string directory)
                ? directory
                : null;
        }
        catch (RootedPathException e)
        {
            throw new LayerFormatException(entryName, e.Message);
        }
    }

    /// <summary>A hard link's target: inside the root, already present, and not a directory.</summary>
    private string ResolveLinkTarget(TarEntry entry)
    {
        List<string> components = Clean(entry.Name, entry.LinkName);
        if (components.Count == 0)
            throw new LayerFormatException(entry.Name, "a hard link to the root directory");
        string name = components[^1];
        components.RemoveAt(components.Count - 1);
        string? parent = ResolveParent(entry.Name, components, create: false);
        string? target = parent is null ? null : Path.Join(parent, name);
        FileStatus? status = target is null ? null : LinuxFileSystem.TryLStat(target);
        if (status is null)
            throw new LayerFormatException(entry.Name, $"hard link target '{entry.LinkName}' does not exist (it must come earlier in the layer or below it)");
        if (status.IsDirectory)
            throw new LayerFormatException(entry.Name, $"hard link target '{entry.LinkName}' is a directory");
        return target!;
    }

    private void MarkWritten(string path)
    {
        for (string? p = path; p is not null && p.Length > root.Length && _writtenOrAncestors.Add(p); p = Path.GetDirectoryName(p))
        {
        }
    }

    /// <summary>Removes what lower layers left in <paramref name="directory"/>, keeping this layer's entries.</summary>
    private void PruneLower(string directory)
    {
        var options = new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = false };
        foreach (string child in Directory.EnumerateFileSystemEntries(directory, "*", options).ToList())
        {
            FileStatus status = LinuxFileSystem.LStat(child);
            if (!_writtenOrAncestors.Contains(child))
                Remove(child, status);
            else if (status.IsDirectory)
                PruneLower(child);
        }
    }

    private static void RemoveIfPresent(string path)
    {
        if (LinuxFileSystem.TryLStat(path) is { } status)
            Remove(path, status);
    }

    private static void Remove(string path, FileStatus status)
    {
        if (status.IsDirectory)
            Directory.Delete(path, recursive: true);
        else
            File.Delete(path);
    }
}

/// <summary>What <see cref="LayerExtractor"/> does with <c>.wh.</c> entries.</summary>
internal enum WhiteoutHandling
{
    /// <summary>Delete what they hide (a layer applied onto the layers below it).</summary>
    Apply,

    /// <summary>Write overlayfs whiteouts (a layer unpacked alone, used as an overlay lower directory).</summary>
    Overlay,

    /// <summary>Keep them as ordinary files (an archive unpacked by ADD).</summary>
    Keep,
}
