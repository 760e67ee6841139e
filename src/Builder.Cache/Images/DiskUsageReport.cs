using System.Collections.Immutable;

namespace Builder.Cache.Images;

/// <summary>Disk usage of the local store.</summary>
/// <param name="Images">Each image name, sorted by name.</param>
/// <param name="BlobCount">How many blobs the store holds.</param>
/// <param name="TotalBytes">All bytes of all blobs.</param>
/// <param name="ImagesBytes">The bytes of the blobs some image uses, each blob counted once.</param>
/// <param name="ReclaimableBytes">The bytes of blobs no image and no root uses: what a prune would free.</param>
/// <param name="IngestBytes">The bytes of partial writes under <c>ingest/</c>.</param>
/// <param name="WorkBytes">The bytes under <c>work/</c>: running builds' scratch, and what killed builds left until the next build or prune removes it.</param>
public sealed record DiskUsageReport(
    ImmutableArray<ImageDiskUsage> Images,
    int BlobCount,
    long TotalBytes,
    long ImagesBytes,
    long ReclaimableBytes,
    long IngestBytes,
    long WorkBytes = 0);
