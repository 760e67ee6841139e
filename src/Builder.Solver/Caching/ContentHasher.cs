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
        // Links are listed, never followed (.NET does not recurse through them); each entry is described by one lstat.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        foreach ((string path, string full) in Directory.EnumerateFileSystemEntries(root, "*", options)
                     .Select(full => (Path.GetRelativePath(root, full), full)).OrderBy(e => e.Item1, StringComparer.Ordinal))
        {
            HostEntry entry = HostFiles.Describe(full) ?? throw new IOException($"{full} changed while the build was reading it; run the build again");
            (string kind, int mode) = Describe(entry, full);
            Append(hash, path, kind, mode, kind == "f" ? files.GetOrAdd(entry.Identity, full, HashContent) : null);
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    /// <summary>
    /// What the hash takes of an entry besides its content, from one lstat (<paramref name="path"/> is the entry's, to
    /// read a link's target): "f", "d", "l:" and the link's target text (never what it points at), "n:" and a device's
    /// or fifo's type and number, or "s" for a socket; the mode of anything but a link.
    /// </summary>
    /// <exception cref="IOException">A link whose target cannot be read any more.</exception>
    public static (string Kind, int Mode) Describe(HostEntry entry, string path) => entry.Kind switch
    {
        HostEntryKind.Symlink => ("l:" + (new FileInfo(path).LinkTarget ?? throw new IOException($"{path} changed while the build was reading it; run the build again")), 0),
        HostEntryKind.Directory => ("d", entry.Permissions),
        HostEntryKind.Node => ("n:" + entry.Node, entry.Permissions),
        HostEntryKind.Socket => (Socket, entry.Permissions),
        _ => ("f", entry.Permissions),
    };

    /// <summary>
    /// The kind <see cref="Describe"/> gives a socket. It is never opened: BuildKit's context transfer sends a socket
    /// as an empty regular file (fsutil's mkstat clears the socket bit, and the sender's open of it fails), so it is
    /// hashed, copied and materialized as one.
    /// </summary>
    public const string Socket = "s";

    /// <summary>Adds one entry (its content hash when it is a file) to <paramref name="hash"/>.</summary>
    public static void Append(XxHash128 hash, string path, string kind, int mode, UInt128? content)
    {
        if (kind == Socket) (kind, content) = ("f", EmptyContent);
        hash.Append(Encoding.UTF8.GetBytes($"{path}\0{kind}\0{mode}\0"));
        if (content is { } value)
        {
            Span<byte> fileHash = stackalloc byte[16];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(fileHash, value);
            hash.Append(fileHash);
        }
    }

    /// <summary>The content hash of an empty file.</summary>
    public static readonly UInt128 EmptyContent = XxHash128.HashToUInt128([]);

    /// <summary>The content hash of the regular file at <paramref name="path"/>, read now.</summary>
    /// <exception cref="IOException">The path is not a regular file (any more): a fifo or a device is never opened.</exception>
    public static UInt128 HashContent(string path)
    {
        // Opening a fifo waits for a writer and a device can be read forever: only regular files are opened.
        if (!HostFiles.IsRegularFile(path)) throw new IOException($"{path} changed while the build was reading it; run the build again");
        var hash = new XxHash128();
        using FileStream stream = File.OpenRead(path);
        hash.Append(stream);
        return hash.GetCurrentHashAsUInt128();
    }
}
