using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Builder.Cache.Layers;
using Builder.Filesystem.Native;

namespace Builder.Cache.Content;

/// <summary>
/// Lets a build write snapshots and layer blobs without waiting for the disk, and keeps the store safe when the
/// machine stops before the kernel has written them back.
/// </summary>
/// <remarks>
/// Waiting for the disk is most of a large COPY: unmounting an overlay syncs the whole upper file system, and a blob
/// was flushed before its rename (1.9 s of a 4 s build of a 355 MB context on the dev machine). Docker's overlay2
/// driver and BuildKit's Docker worker do not wait for layer data either. A kill -9 loses nothing (the page cache
/// outlives the process); a power loss or kernel crash can, so the store keeps a record of the window in which it
/// may hold unflushed data: before the first such write, a marker named after the kernel's boot ID is made durable
/// in <see cref="StoreLayout.Unflushed"/>. A later session that finds the marker of another boot knows the machine
/// went down inside that window, and checks what was written then (everything whose ctime lies between the marker
/// and this boot): blobs are hashed and removed when damaged; unpacked layers, base image trees, cache records and
/// remembered compressed-blob names are dropped, to be made again from verified blobs. A marker of this boot older
/// than <see cref="SyncAge"/> is moved forward after a <c>syncfs</c>, so that window stays short.
/// </remarks>
public sealed class UnflushedWrites
{
    /// <summary>How old this boot's marker may be before its window is closed with a <c>syncfs</c>.</summary>
    public static readonly TimeSpan SyncAge = TimeSpan.FromMinutes(10);

    // Timestamps are taken from a clock that ticks in jiffies; a write just after the marker may carry its time.
    private static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(2);

    private readonly StoreLayout _layout;
    private readonly string _bootId;
    private readonly DateTimeOffset _bootTime;

    /// <summary>The record of <paramref name="layout"/>'s store as seen from the boot <paramref name="bootId"/>, which started at <paramref name="bootTime"/>.</summary>
    public UnflushedWrites(StoreLayout layout, string bootId, DateTimeOffset bootTime)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentException.ThrowIfNullOrEmpty(bootId);
        _layout = layout;
        _bootId = bootId;
        _bootTime = bootTime;
    }

    /// <summary>
    /// The record for this machine's current boot (<c>/proc/sys/kernel/random/boot_id</c>, <c>btime</c> of
    /// <c>/proc/stat</c>), or <see langword="null"/> where the kernel does not say: builds then wait for the disk.
    /// </summary>
    public static UnflushedWrites? ForThisBoot(StoreLayout layout)
    {
        try
        {
            string bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
            string? btime = File.ReadLines("/proc/stat").FirstOrDefault(line => line.StartsWith("btime ", StringComparison.Ordinal));
            if (bootId.Length == 0 || btime is null) return null;
            long seconds = long.Parse(btime.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            return new UnflushedWrites(layout, bootId, DateTimeOffset.FromUnixTimeSeconds(seconds));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Opens this boot's window before a build writes without flushing: the marker is made (durably) if missing, and
    /// moved forward after a <c>syncfs</c> of the store when it is older than <see cref="SyncAge"/>.
    /// </summary>
    /// <exception cref="IOException">The marker cannot be written; the caller must then flush.</exception>
    public void Begin()
    {
        string marker = Path.Combine(_layout.Unflushed, _bootId);
        if (File.Exists(marker))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(marker) < SyncAge) return;
            // Everything written so far reaches the disk, so the window can start now. Losing the new time in a
            // crash only widens the window again.
            SyncFileSystem(_layout.Root);
            File.SetLastWriteTimeUtc(marker, DateTime.UtcNow);
            return;
        }
        Directory.CreateDirectory(_layout.Unflushed);
        using (var stream = new FileStream(marker, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Write("imgbuild: writes of this boot may not be on disk yet\n"u8);
            stream.Flush(flushToDisk: true);
        }
        FlushDirectory(_layout.Unflushed);
    }

    /// <summary>
    /// Checks what was written in the windows of earlier boots (the machine stopped inside them): damaged blobs are
    /// removed, and the derived data written then (unpacked layers and base images, cache records, compressed-blob
    /// names) is dropped. Each marker is removed once its window is checked.
    /// </summary>
    public UnflushedRecovery RecoverEarlierBoots(CancellationToken cancellationToken = default)
    {
        var recovery = new UnflushedRecovery();
        if (!Directory.Exists(_layout.Unflushed)) return recovery;
        foreach (string marker in Directory.EnumerateFiles(_layout.Unflushed))
        {
            if (Path.GetFileName(marker) == _bootId) continue;
            DateTimeOffset since = new DateTimeOffset(File.GetLastWriteTimeUtc(marker)) - ClockSlack;
            bool InWindow(string path) =>
                LinuxFileSystem.TryLStat(path) is { } status && status.CTimeSeconds >= since.ToUnixTimeSeconds() && status.CTimeSeconds < _bootTime.ToUnixTimeSeconds();

            string sha256 = Path.Combine(_layout.Blobs, "sha256");
            foreach (string blob in Entries(sha256).Where(InWindow))
            {
                cancellationToken.ThrowIfCancellationRequested();
                recovery.BlobsChecked++;
                if (HashOf(blob) == Path.GetFileName(blob)) continue;
                File.Delete(blob);
                recovery.BlobsRemoved++;
            }
            foreach (string derived in new[] { _layout.Layers, _layout.Rootfs, _layout.CacheIndex, _layout.CompressedLayers }.SelectMany(Entries).Where(InWindow))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Directory.Exists(derived) && new FileInfo(derived).LinkTarget is null) Directory.Delete(derived, recursive: true);
                else File.Delete(derived);
                recovery.DerivedRemoved++;
            }
            File.Delete(marker);
            recovery.WindowsChecked++;
        }
        return recovery;
    }

    private static IEnumerable<string> Entries(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory) : [];

    private static string HashOf(string file)
    {
        using FileStream stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void SyncFileSystem(string path) => OnDirectory(path, LibC.Syncfs, "syncfs");

    private static void FlushDirectory(string path) => OnDirectory(path, LibC.Fsync, "fsync");

    // Opens the directory at path and calls syncfs(2) or fsync(2) on it.
    private static void OnDirectory(string path, Func<int, int> call, string name)
    {
        int fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (fd < 0) throw new IOException($"cannot open {path} for {name}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        try
        {
            if (call(fd) != 0) throw new IOException($"{name} of {path} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }
}
