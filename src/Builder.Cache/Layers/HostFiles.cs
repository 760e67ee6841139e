using Builder.Filesystem.Native;

namespace Builder.Cache.Layers;

/// <summary>What the build needs of files on this machine beyond .NET's API: their identity and hard links.</summary>
public static class HostFiles
{
    /// <summary>The device, inode, size and modification time of <paramref name="path"/> (not following a final link), or null if it does not exist.</summary>
    public static FileIdentity? Identity(string path) => Describe(path)?.Identity;

    /// <summary>
    /// What one lstat says of <paramref name="path"/>: its kind, permission bits (with setuid, setgid and sticky) and
    /// identity, or null if it does not exist. One system call, where .NET's <see cref="FileInfo"/> makes several
    /// (lstat, geteuid for its read-only attribute, readlink for its link target).
    /// </summary>
    public static HostEntry? Describe(string path)
    {
        if (LinuxFileSystem.TryLStat(path) is not { } status) return null;
        HostEntryKind kind = status.Type switch
        {
            FileStatus.TypeRegular => HostEntryKind.File,
            FileStatus.TypeDirectory => HostEntryKind.Directory,
            FileStatus.TypeSymlink => HostEntryKind.Symlink,
            FileStatus.TypeSocket => HostEntryKind.Socket,
            _ => HostEntryKind.Node,
        };
        string? node = status.Type switch
        {
            FileStatus.TypeCharacter => $"c:{status.RDevMajor}:{status.RDevMinor}",
            FileStatus.TypeBlock => $"b:{status.RDevMajor}:{status.RDevMinor}",
            FileStatus.TypeFifo => "p:0:0",
            _ => null,
        };
        return new HostEntry(kind, (int)status.Permissions, new FileIdentity(((ulong)status.DeviceMajor << 32) | status.DeviceMinor, status.Inode,
            status.Size, status.MTimeSeconds * 1_000_000_000 + status.MTimeNanoseconds, status.Links,
            status.CTimeSeconds * 1_000_000_000 + status.CTimeNanoseconds), node);
    }

    /// <summary>The numeric owner of <paramref name="path"/>, not following a final link.</summary>
    /// <exception cref="IOException">The path does not exist or cannot be read.</exception>
    public static (uint Uid, uint Gid) Owner(string path)
    {
        FileStatus status = LinuxFileSystem.LStat(path);
        return (status.Uid, status.Gid);
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a device, a fifo or a socket (not following a final link): a node whose
    /// copy is made with mknod rather than by reading it.
    /// </summary>
    public static bool IsNode(string path) =>
        LinuxFileSystem.TryLStat(path)?.Type is FileStatus.TypeCharacter or FileStatus.TypeBlock or FileStatus.TypeFifo or FileStatus.TypeSocket;

    /// <summary>Whether <paramref name="path"/> is a regular file itself (not a link to one, not a device, fifo or socket).</summary>
    public static bool IsRegularFile(string path) => LinuxFileSystem.TryLStat(path)?.IsRegular == true;

    /// <summary>Makes <paramref name="target"/> a node of the same kind, mode and device number as <paramref name="source"/> (fsutil's copyDevice).</summary>
    /// <exception cref="IOException">The kernel refused.</exception>
    public static void CopyNode(string source, string target)
    {
        FileStatus status = LinuxFileSystem.LStat(source);
        LinuxFileSystem.MkNod(target, status.Mode, status.RDevMajor, status.RDevMinor);
    }

    /// <summary>Makes <paramref name="newPath"/> a hard link to <paramref name="existing"/>; false when the file system refuses (another device, no links allowed).</summary>
    public static bool TryHardLink(string existing, string newPath)
    {
        try
        {
            LinuxFileSystem.Link(existing, newPath);
            return true;
        }
        catch (IOException e) when (e.HResult is LibC.EXDEV or LibC.EPERM or LibC.EMLINK or LibC.EACCES)
        {
            return false;
        }
    }
}

/// <summary>A file's identity for a stat cache: unchanged identity means unchanged content.</summary>
/// <param name="Device">The device number (major in the high 32 bits).</param>
/// <param name="Inode">The inode number.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="ModifiedNanoseconds">The modification time, nanoseconds since the Unix epoch.</param>
/// <param name="Links">The number of hard links to the inode.</param>
/// <param name="ChangedNanoseconds">
/// The inode's change time (ctime), nanoseconds since the Unix epoch. Unlike the modification time, no program can set
/// it back: a file written or made again (a copy that keeps its source's mtime, an inode number reused after a
/// delete) gets a new one, so size and mtime alone never vouch for its content.
/// </param>
public readonly record struct FileIdentity(ulong Device, ulong Inode, long Size, long ModifiedNanoseconds, uint Links = 1, long ChangedNanoseconds = 0);
