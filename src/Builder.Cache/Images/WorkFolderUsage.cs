using Builder.Cache.Layers;

namespace Builder.Cache.Images;

/// <summary>
/// The bytes under the store's <c>work/</c>: running builds' scratch, and what killed builds left until the next build
/// or <c>prune</c> removes it. The walk stays on <c>work/</c>'s own file system: a mounted snapshot shows its lower
/// layers (counted under <c>layers/</c> and <c>rootfs/</c>), and a bundle tmpfs is RAM.
/// </summary>
internal static class WorkFolderUsage
{
    /// <summary>The sizes of the regular files under <paramref name="work"/> on its device; 0 when it does not exist.</summary>
    public static long BytesOf(string work)
    {
        if (LinuxFileSystem.TryLStat(work) is not { IsDirectory: true } top) return 0;
        long bytes = 0;
        var pending = new Stack<string>([work]);
        while (pending.TryPop(out string? directory))
        {
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFileSystemEntries(directory).ToList();
            }
            catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException)
            {
                continue; // removed meanwhile by the build that owns it
            }
            foreach (string entry in entries)
            {
                if (LinuxFileSystem.TryLStat(entry) is not { } status || status.DeviceMajor != top.DeviceMajor || status.DeviceMinor != top.DeviceMinor)
                    continue;
                if (status.IsDirectory) pending.Push(entry);
                else if (status.IsRegular) bytes += status.Size;
            }
        }
        return bytes;
    }
}
