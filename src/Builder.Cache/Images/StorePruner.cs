using Builder.Cache.BuildCache;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>What <see cref="StorePruner"/> removes.</summary>
public sealed record StorePruneOptions
{
    /// <summary>Remove least recently used build cache records until the store's blobs take at most this many bytes.</summary>
    public long? KeepStorage { get; init; }

    /// <summary>Remove build cache records not used for this long (<c>--filter until=24h</c>).</summary>
    public TimeSpan? Until { get; init; }

    /// <summary>Keep unreferenced blobs written this recently (see <see cref="PruneOptions.KeepRecent"/>).</summary>
    public TimeSpan KeepRecent { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Report, remove nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// <c>prune --all</c>, as <c>docker buildx prune --all</c>: every build cache record, every <c>RUN --mount=type=cache</c>
    /// directory, every unpacked base image tree and every unreferenced blob however recent; named images and what
    /// they use stay (they are the image store, which <c>rmi</c> empties).
    /// </summary>
    public bool All { get; init; }
}

/// <summary>What a <see cref="StorePruner"/> run removed.</summary>
/// <param name="RemovedRecords">Build cache records removed.</param>
/// <param name="Blobs">The blob collection that followed.</param>
/// <param name="RemovedDirectories">Unpacked layer and base image trees removed with them.</param>
/// <param name="RemovedCacheMounts">Cache mount directories removed (<see cref="StorePruneOptions.All"/> only).</param>
public sealed record StorePruneReport(int RemovedRecords, PruneReport Blobs, int RemovedDirectories, int RemovedCacheMounts = 0);

/// <summary>
/// The store's garbage-collection policy, as BuildKit's: build cache records older than <c>until</c> go, then the
/// least recently used ones until the blobs fit in <c>keep-storage</c>; blobs no image, root or remaining record
/// holds are then collected, with the unpacked trees of the layers and base images that went. Images with names are
/// never touched. The caller holds the store's build lock exclusively, so nothing a running build uses is removed.
/// </summary>
public sealed class StorePruner(ImageStore images, CacheIndex cache)
{
    public async Task<StorePruneReport> PruneAsync(StorePruneOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ContentStore content = images.Content;
        var kept = new HashSet<Digest>();
        var walker = new ReferenceWalker(content);
        foreach (Descriptor target in (await images.ReadImagesAsync(cancellationToken).ConfigureAwait(false)).Values)
            await walker.MarkAsync(target.Digest, target.MediaType, kept, cancellationToken).ConfigureAwait(false);
        foreach ((string name, Digest root) in await images.ListRootsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!name.StartsWith("cache-", StringComparison.Ordinal)) await walker.MarkAsync(root, null, kept, cancellationToken).ConfigureAwait(false);
        }

        var records = cache.List().OrderBy(r => r.LastUsedUtc).ToList();
        var holders = records.GroupBy(r => r.Record.Layer.Digest).ToDictionary(g => g.Key, g => g.Count());
        long total = content.Enumerate().Sum(b => b.Size);
        DateTime now = DateTime.UtcNow;
        var removed = new List<(Digest Key, CacheRecord Record)>();
        foreach ((Digest key, CacheRecord record, DateTime lastUsed) in records)
        {
            bool expired = options.All || (options.Until is { } until && now - lastUsed > until);
            bool over = options.KeepStorage is { } limit && total > limit;
            if (!expired && !over) continue;
            removed.Add((key, record));
            if (--holders[record.Layer.Digest] == 0 && !kept.Contains(record.Layer.Digest)) total -= record.Layer.Size;
        }
        if (!options.DryRun)
        {
            foreach ((Digest key, _) in removed) await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }

        PruneReport blobs = await new GarbageCollector(images)
            .PruneAsync(new PruneOptions { KeepRecent = options.All ? TimeSpan.Zero : options.KeepRecent, DryRun = options.DryRun }, cancellationToken).ConfigureAwait(false);
        int directories = options.DryRun ? 0 : RemoveUnusedTrees(removed.Select(r => r.Record.DiffId).Except(cache.List().Select(r => r.Record.DiffId)), options.All);
        int cacheMounts = options.All ? RemoveCacheMounts(options.DryRun) : 0;
        return new StorePruneReport(removed.Count, blobs, directories, cacheMounts);
    }

    // The caller holds the build lock exclusively: no RUN has a cache mount open.
    private int RemoveCacheMounts(bool dryRun)
    {
        string folder = images.Content.Layout.CacheMounts;
        if (!Directory.Exists(folder)) return 0;
        List<string> entries = [.. Directory.EnumerateFileSystemEntries(folder)];
        if (dryRun) return entries.Count;
        foreach (string entry in entries)
        {
            if (Directory.Exists(entry) && new FileInfo(entry).LinkTarget is null) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
        return entries.Count;
    }

    // An unpacked layer goes with its last record; a base image's tree with its manifest blob.
    private int RemoveUnusedTrees(IEnumerable<Digest> diffIds, bool everyBaseTree)
    {
        int count = 0;
        foreach (Digest diffId in diffIds)
        {
            string directory = Path.Combine(images.Content.Layout.Layers, diffId.Encoded);
            if (!Directory.Exists(directory)) continue;
            Directory.Delete(directory, recursive: true);
            count++;
        }
        if (Directory.Exists(images.Content.Layout.Rootfs))
        {
            foreach (string tree in Directory.EnumerateDirectories(images.Content.Layout.Rootfs))
            {
                string name = Path.GetFileName(tree);
                // A base tree is unpacked again from its blobs when a build needs it; --all removes every one.
                if (name.Length != 64 || (!everyBaseTree && images.Content.Contains(new Digest(Digest.Sha256, name)))) continue;
                Directory.Delete(tree, recursive: true);
                count++;
            }
        }
        return count;
    }
}
