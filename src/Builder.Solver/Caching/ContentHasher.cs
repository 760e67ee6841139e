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
internal static class ContentHasher
{
    public static string Hash(string root, StatCache files)
    {
        var hash = new XxHash128();
        Span<byte> fileHash = stackalloc byte[16];
        // One lstat per entry, made while listing: type, mode and link target come from it.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        foreach ((string path, FileSystemInfo info) in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options)
                     .Select(i => (Path.GetRelativePath(root, i.FullName), i)).OrderBy(e => e.Item1, StringComparer.Ordinal))
        {
            string kind = info.Attributes.HasFlag(FileAttributes.ReparsePoint) && info.LinkTarget is { } link ? "l:" + link : info is DirectoryInfo ? "d" : "f";
            // A link's own mode is always 0777 on Linux; it is left out.
            int mode = OperatingSystem.IsWindows() || kind is not ("f" or "d") ? 0 : (int)info.UnixFileMode;
            hash.Append(Encoding.UTF8.GetBytes($"{path}\0{kind}\0{mode}\0"));
            if (kind == "f")
            {
                UInt128 content = HostFiles.Identity(info.FullName) is { } identity ? files.GetOrAdd(identity, info.FullName, HashFile) : HashFile(info.FullName);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(fileHash, content);
                hash.Append(fileHash);
            }
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    private static UInt128 HashFile(string path)
    {
        var hash = new XxHash128();
        using FileStream stream = File.OpenRead(path);
        hash.Append(stream);
        return hash.GetCurrentHashAsUInt128();
    }
}
