using System.Collections.Immutable;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>
/// Removes blobs that no image name and no garbage-collection root reaches (mark and sweep), and stale partial
/// writes under <c>ingest/</c>. The compressed blobs a <see cref="CompressedLayerMemo"/> remembers for a reachable
/// uncompressed layer are reachable too: they are what the next push or export of that layer sends, and dropping
/// them would only mean compressing it again. Those of unreachable layers go with their layer, and so do memo
/// entries whose blob is gone.
/// </summary>
/// <remarks>
/// It holds the collection lock exclusively from mark to sweep, so no blob rename, tag or root change of another
/// process lands in between. Writers may still hold blobs they have stored but not yet tagged: those are
/// protected by <see cref="PruneOptions.KeepRecent"/>, as the time of a blob is refreshed by every write of it.
/// </remarks>
public sealed class GarbageCollector(ImageStore images)
{
    /// <summary>Marks and sweeps the store.</summary>
    /// <exception cref="InvalidDataException">An image's manifest cannot be read; nothing was removed.</exception>
    public async Task<PruneReport> PruneAsync(PruneOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ContentStore content = images.Content;
        using FileLock collection = await content.LockCollectionAsync(exclusive: true, cancellationToken).ConfigureAwait(false);

        var walker = new ReferenceWalker(content);
        var reachable = new HashSet<Digest>();
        foreach (Descriptor target in (await images.ReadImagesAsync(cancellationToken).ConfigureAwait(false)).Values)
            await walker.MarkAsync(target.Digest, target.MediaType, reachable, cancellationToken).ConfigureAwait(false);
        foreach (Digest root in (await images.ListRootsAsync(cancellationToken).ConfigureAwait(false)).Values)
            await walker.MarkAsync(root, null, reachable, cancellationToken).ConfigureAwait(false);
        var memo = new CompressedLayerMemo(content);
        List<CompressedLayerEntry> remembered = [.. memo.List()];
        foreach (CompressedLayerEntry entry in remembered.Where(e => reachable.Contains(e.DiffId)))
            reachable.Add(entry.Blob);

        DateTime now = DateTime.UtcNow;
        var removed = ImmutableArray.CreateBuilder<BlobInfo>();
        var kept = ImmutableArray.CreateBuilder<BlobInfo>();
        foreach (BlobInfo blob in content.Enumerate().ToList())
        {
            if (reachable.Contains(blob.Digest)) continue;
            if (now - blob.ModifiedUtc < options.KeepRecent)
            {
                kept.Add(blob);
                continue;
            }
            if (!options.DryRun) content.Delete(blob.Digest);
            removed.Add(blob);
        }
        if (!options.DryRun)
        {
            foreach (CompressedLayerEntry entry in remembered.Where(e => !content.Contains(e.Blob)))
                memo.Remove(entry);
        }

        int ingestFiles = 0;
        long ingestBytes = 0;
        var ingest = new DirectoryInfo(content.IngestDirectory);
        if (ingest.Exists)
        {
            foreach (FileInfo partial in ingest.EnumerateFiles())
            {
                // A write in progress touches its file with every buffer; only an abandoned one grows old.
                if (now - partial.LastWriteTimeUtc < options.StaleIngestAge) continue;
                long length = partial.Length;
                if (!options.DryRun)
                {
                    try
                    {
                        partial.Delete();
                    }
                    catch (IOException)
                    {
                        continue;
                    }
                }
                ingestFiles++;
                ingestBytes += length;
            }
        }
        return new PruneReport(removed.ToImmutable(), kept.ToImmutable(), ingestFiles, ingestBytes);
    }
}
