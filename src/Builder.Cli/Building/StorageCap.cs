using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Cache.Index;
using Builder.Cli.Output;

namespace Builder.Cli.Building;

/// <summary>
/// The store's size cap, applied after each build as BuildKit's default GC policy is: when the blobs take more than
/// the cap, the least recently used build cache records go until they fit. The cap is <c>IMGBUILD_KEEP_STORAGE</c>
/// (a size such as <c>20GB</c>, or <c>0</c> for none), by default 10% of the store's file system. Builds hold the
/// store's build lock shared; pruning takes it exclusively, and the automatic run is skipped while another build runs.
/// </summary>
internal static class StorageCap
{
    public const string Variable = "IMGBUILD_KEEP_STORAGE";

    /// <summary>The lock every build holds shared and pruning holds exclusively.</summary>
    public static string BuildLockPath(ImageStore images)
    {
        string locks = Path.Combine(images.Content.Root, "locks");
        Directory.CreateDirectory(locks);
        return Path.Combine(locks, "builds.lock");
    }

    /// <summary>The cap in bytes, or null when capping is off.</summary>
    /// <exception cref="FormatException">The variable is not a size.</exception>
    public static long? Resolve(string storeRoot)
    {
        string? configured = Environment.GetEnvironmentVariable(Variable);
        if (configured is { Length: > 0 })
        {
            if (!ByteSize.TryParse(configured, out long bytes)) throw new FormatException($"{Variable}='{configured}' is not a size (for example 20GB, or 0 for no cap)");
            return bytes == 0 ? null : bytes;
        }
        return new DriveInfo(Path.GetFullPath(storeRoot)).TotalSize / 10;
    }

    /// <summary>Prunes to the cap if the store is over it and no other build runs; says what it removed on <paramref name="log"/>.</summary>
    public static async Task ApplyAsync(ImageStore images, TextWriter log, CancellationToken cancellationToken)
    {
        long? cap = Resolve(images.Content.Root);
        if (cap is not { } limit || images.Content.Enumerate().Sum(b => b.Size) <= limit) return;
        using FileLock? exclusive = FileLock.TryAcquire(BuildLockPath(images), exclusive: true);
        if (exclusive is null) return; // another build is running: the next one to finish prunes
        string root = images.Content.Root;
        StorePruneReport report = await new StorePruner(images, new CacheIndex(images), Path.Combine(root, "layers"), Path.Combine(root, "rootfs"))
            .PruneAsync(new StorePruneOptions { KeepStorage = limit, KeepRecent = TimeSpan.Zero }, cancellationToken).ConfigureAwait(false);
        log.WriteLine($"store over its {ByteSize.Format(limit)} cap ({Variable}): removed {report.RemovedRecords} build cache records, " +
            $"{ByteSize.Format(report.Blobs.BytesFreed)} of blobs");
    }
}
