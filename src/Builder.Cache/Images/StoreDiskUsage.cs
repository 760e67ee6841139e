using System.Collections.Immutable;
using Builder.Cache.Content;
using Builder.Cache.Layers;

namespace Builder.Cache.Images;

/// <summary>
/// Every byte the store holds, by kind: blobs, unpacked layers, base image trees, work folders, cache mounts, the
/// build cache index and the rest. Counted as <c>du -sb</c> counts (the apparent size of each file, directory and
/// link, a file with several hard links once), so the total agrees with <c>du -sb</c> of the store. The walk stays on
/// the store's file system: a running build's mounted snapshots show layers counted already, and its bundle tmpfs is
/// RAM (<c>du -sbx</c> leaves them out the same way).
/// </summary>
public static class StoreDiskUsage
{
    /// <summary>The usage of the store at <paramref name="layout"/>, one row per top-level folder in name order, then <c>other</c>.</summary>
    public static ImmutableArray<StoreFolderUsage> Measure(StoreLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (LinuxFileSystem.TryLStat(layout.Root) is not { IsDirectory: true } top) return [];
        var seen = new HashSet<ulong>();   // inodes of files with several links, counted once across kinds
        var rows = new List<StoreFolderUsage>();
        long otherBytes = top.Size, otherEntries = 1;
        foreach (string entry in Directory.EnumerateFileSystemEntries(layout.Root).Order(StringComparer.Ordinal))
        {
            if (LinuxFileSystem.TryLStat(entry) is not { } status) continue;
            if (status.IsDirectory && Same(status, top))
            {
                (long bytes, long entries) = Walk(entry, status, top, seen);
                rows.Add(new StoreFolderUsage(Path.GetFileName(entry), bytes, entries));
            }
            else if (Count(status, seen))
            {
                otherBytes += status.Size;
                otherEntries++;
            }
        }
        rows.Add(new StoreFolderUsage("other", otherBytes, otherEntries));
        return [.. rows];
    }

    private static (long Bytes, long Entries) Walk(string folder, FileStatus folderStatus, FileStatus top, HashSet<ulong> seen)
    {
        long bytes = folderStatus.Size, entries = 1;
        var pending = new Stack<string>([folder]);
        while (pending.TryPop(out string? directory))
        {
            List<string> children;
            try
            {
                children = [.. Directory.EnumerateFileSystemEntries(directory)];
            }
            catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException)
            {
                continue; // removed meanwhile by the build or prune that owns it
            }
            foreach (string child in children)
            {
                if (LinuxFileSystem.TryLStat(child) is not { } status || !Same(status, top) || !Count(status, seen)) continue;
                bytes += status.Size;
                entries++;
                if (status.IsDirectory) pending.Push(child);
            }
        }
        return (bytes, entries);
    }

    // du counts an inode once however many names it has.
    private static bool Count(FileStatus status, HashSet<ulong> seen) => status.IsDirectory || status.Links < 2 || seen.Add(status.Inode);

    private static bool Same(FileStatus status, FileStatus top) => status.DeviceMajor == top.DeviceMajor && status.DeviceMinor == top.DeviceMinor;
}
