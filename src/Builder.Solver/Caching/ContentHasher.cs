using System.IO.Hashing;
using System.Text;
using Builder.Cache.Layers;

namespace Builder.Solver.Caching;

/// <summary>
/// A fast content hash of a directory tree for cache keys (XxHash128, not a cryptographic digest: OCI needs sha256
/// only for blobs): every entry's path, type, mode, link target and file content hash, in ordinal path order. Times
/// are left out, so touching a file without changing it keeps the cache. File hashes come from a
/// <see cref="StatCache"/> when the file's identity is unchanged, so unchanged files are not read again.
/// </summary>
/// <remarks>
/// A build context is hashed in place, entry by entry (<see cref="Context.SelectedContext"/>), with the same
/// encoding: its key is the one a copy of the selected entries in a directory of their own would get.
/// </remarks>
internal static class ContentHasher
{
    public static string Hash(string root, StatCache files)
    {
        var hash = new XxHash128();
        // One lstat per entry, made while listing: type, mode and link target come from it.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        foreach ((string path, FileSystemInfo info) in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options)
                     .Select(i => (Path.GetRelativePath(root, i.FullName), i)).OrderBy(e => e.Item1, StringComparer.Ordinal))
        {
            (string kind, int mode) = Describe(info);
            Append(hash, path, kind, mode, kind == "f" ? HashFile(info.FullName, files, out _) : null);
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    /// <summary>What the hash takes of an entry besides its content: "f", "d" or "l:" and the link target; the mode of a file or directory.</summary>
    public static (string Kind, int Mode) Describe(FileSystemInfo info)
    {
        string kind = info.Attributes.HasFlag(FileAttributes.ReparsePoint) && info.LinkTarget is { } link ? "l:" + link
            : info.Attributes.HasFlag(FileAttributes.Directory) ? "d" : "f";
        // A link's own mode is always 0777 on Linux; it is left out.
        int mode = OperatingSystem.IsWindows() || kind is not ("f" or "d") ? 0 : (int)info.UnixFileMode;
        return (kind, mode);
    }

    /// <summary>
    /// <see cref="Describe(FileSystemInfo)"/> from one lstat (<paramref name="path"/> is the entry's, to read a link's
    /// target): the same kinds and modes, so both give the same keys.
    /// </summary>
    /// <exception cref="IOException">A link whose target cannot be read any more.</exception>
    public static (string Kind, int Mode) Describe(HostEntry entry, string path) => entry.Kind switch
    {
        HostEntryKind.Symlink => ("l:" + (new FileInfo(path).LinkTarget ?? throw new IOException($"{path} changed while the build was reading it; run the build again")), 0),
        HostEntryKind.Directory => ("d", entry.Permissions),
        _ => ("f", entry.Permissions),
    };

    /// <summary>Adds one entry (its content hash when it is a file) to <paramref name="hash"/>.</summary>
    public static void Append(XxHash128 hash, string path, string kind, int mode, UInt128? content)
    {
        hash.Append(Encoding.UTF8.GetBytes($"{path}\0{kind}\0{mode}\0"));
        if (content is { } value)
        {
            Span<byte> fileHash = stackalloc byte[16];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(fileHash, value);
            hash.Append(fileHash);
        }
    }

    /// <summary>The content hash of the file at <paramref name="path"/>, through the stat cache, and the identity it was looked up by.</summary>
    public static UInt128 HashFile(string path, StatCache files, out FileIdentity? identity)
    {
        identity = HostFiles.Identity(path);
        return identity is { } known ? files.GetOrAdd(known, path, HashContent) : HashContent(path);
    }

    /// <summary>The content hash of the file at <paramref name="path"/>, read now.</summary>
    public static UInt128 HashContent(string path)
    {
        var hash = new XxHash128();
        using FileStream stream = File.OpenRead(path);
        hash.Append(stream);
        return hash.GetCurrentHashAsUInt128();
    }
}
