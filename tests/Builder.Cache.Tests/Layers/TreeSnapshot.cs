using System.Security.Cryptography;
using Builder.Cache.Layers;

namespace Builder.Cache.Tests.Layers;

/// <summary>
/// Everything a layer should preserve about a tree, one line per path: type, mode, owner, mtime, size, content
/// hash, link target, device numbers, xattrs and which paths share an inode. Two trees are equal when their
/// snapshots are.
/// </summary>
internal static class TreeSnapshot
{
    public static SortedDictionary<string, string> Of(string root, bool withXattrs = true, bool withDirectoryTimes = true)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var inodes = new Dictionary<ulong, string>();
        Walk(root, "", result, inodes, withXattrs, withDirectoryTimes);
        return result;
    }

    private static void Walk(string root, string relative, SortedDictionary<string, string> result,
        Dictionary<ulong, string> inodes, bool withXattrs, bool withDirectoryTimes)
    {
        foreach (string name in PathOrder.SortedNames(Path.Join(root, relative)))
        {
            string path = relative.Length == 0 ? name : relative + "/" + name;
            string full = Path.Join(root, path);
            FileStatus s = LinuxFileSystem.LStat(full);
            string line = $"type={s.Type:x} mode={Convert.ToString(s.Permissions, 8)} owner={s.Uid}:{s.Gid}";
            if (!s.IsDirectory || withDirectoryTimes)
                line += $" mtime={s.MTimeSeconds}";
            if (s.IsRegular)
            {
                line += $" size={s.Size} sha256={Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(full)))}";
                if (s.Links > 1)
                {
                    if (inodes.TryGetValue(s.Inode, out string? first))
                        line += $" sameInodeAs={first}";
                    else
                        inodes[s.Inode] = path;
                }
            }
            if (s.IsSymlink)
                line += $" target={new FileInfo(full).LinkTarget}";
            if (s.Type is FileStatus.TypeCharacter or FileStatus.TypeBlock)
                line += $" rdev={s.RDevMajor},{s.RDevMinor}";
            if (withXattrs)
            {
                foreach ((string key, byte[] value) in LinuxFileSystem.ListXattrs(full))
                    line += $" xattr:{key}={Convert.ToHexString(value)}";
            }
            result[path] = line;
            if (s.IsDirectory)
                Walk(root, path, result, inodes, withXattrs, withDirectoryTimes);
        }
    }
}
