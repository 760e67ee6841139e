using System.IO.Hashing;
using System.Text;

namespace Builder.Solver.Execution;

/// <summary>
/// A fast content hash of a directory tree for cache keys (XxHash128, not a cryptographic digest: OCI needs sha256
/// only for blobs): every entry's path, type, mode, link target and file content, in ordinal path order. Times are
/// left out, so touching a file without changing it keeps the cache.
/// </summary>
internal static class ContentHasher
{
    public static string Hash(string root)
    {
        var hash = new XxHash128();
        byte[] buffer = new byte[1 << 16];
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                     .Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal))
        {
            string full = Path.Combine(root, path);
            var info = new FileInfo(full);
            string kind = info.LinkTarget is { } link ? "l:" + link : Directory.Exists(full) ? "d" : "f";
            int mode = OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(full);
            hash.Append(Encoding.UTF8.GetBytes($"{path}\0{kind}\0{mode}\0"));
            if (kind == "f")
            {
                using FileStream stream = File.OpenRead(full);
                int read;
                while ((read = stream.Read(buffer)) > 0) hash.Append(buffer.AsSpan(0, read));
            }
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
