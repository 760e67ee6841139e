using Builder.Cache.BuildCache;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Solver.Progress;

namespace Builder.Engine;

/// <summary>
/// The store's size cap, applied after each build as BuildKit's default GC policy is: when the blobs take more than
/// the cap, the least recently used build cache records go until they fit. By default the cap is 10% of the store's
/// file system. Builds hold the store's build lock shared; pruning takes it exclusively, and the automatic run is
/// skipped while another build runs.
/// </summary>
public sealed record StorageCap
{
    private StorageCap(long? bytes, bool isDefault, string origin) => (Bytes, IsDefault, Origin) = (bytes, isDefault, origin);

    /// <summary>10% of the file system the store is on.</summary>
    public static StorageCap Default { get; } = new(null, isDefault: true, "10% of the disk");

    /// <summary>No cap.</summary>
    public static StorageCap None { get; } = new(null, isDefault: false, "none");

    /// <summary>The given number of bytes (0 means no cap); <paramref name="origin"/> says where it was set, for messages.</summary>
    public static StorageCap Of(long bytes, string origin) => bytes <= 0 ? None : new(bytes, isDefault: false, origin);

    /// <summary>Where the cap comes from (a variable, a flag), named in what the build prints.</summary>
    public string Origin { get; }

    /// <summary>The cap, when a size was given.</summary>
    public long? Bytes { get; }

    /// <summary>Whether this is the default (10% of the disk).</summary>
    public bool IsDefault { get; }

    /// <summary>The cap in bytes for a store at <paramref name="storeRoot"/>, or null when capping is off.</summary>
    public long? Resolve(string storeRoot) => IsDefault ? new DriveInfo(Path.GetFullPath(storeRoot)).TotalSize / 10 : Bytes;

    /// <summary>Prunes to the cap if the store is over it and no other build runs; says what it removed.</summary>
    internal async Task ApplyAsync(ImageStore images, IBuildProgress progress, CancellationToken cancellationToken)
    {
        StoreLayout layout = images.Content.Layout;
        if (Resolve(layout.Root) is not { } limit || images.Content.Enumerate().Sum(b => b.Size) <= limit) return;
        Directory.CreateDirectory(layout.Locks);
        using FileLock? exclusive = FileLock.TryAcquire(layout.BuildLock, exclusive: true);
        if (exclusive is null) return; // another build is running: the next one to finish prunes
        StorePruneReport report = await new StorePruner(images, new CacheIndex(images))
            .PruneAsync(new StorePruneOptions { KeepStorage = limit, KeepRecent = TimeSpan.Zero }, cancellationToken).ConfigureAwait(false);
        progress.Message(BuildMessage.Info($"store over its {ByteSize.Format(limit)} cap ({Origin}): removed {report.RemovedRecords} build cache records, " +
            $"{ByteSize.Format(report.Blobs.BytesFreed)} of blobs"));
    }
}
