using System.Collections.Immutable;
using Builder.Cache.Content;

namespace Builder.Cache.Images;

/// <summary>What a garbage collection removed (or, in a dry run, would remove).</summary>
/// <param name="RemovedBlobs">The unreferenced blobs removed.</param>
/// <param name="KeptRecentBlobs">Unreferenced blobs kept because they are younger than <see cref="PruneOptions.KeepRecent"/>.</param>
/// <param name="RemovedIngestFiles">How many stale partial writes were removed from <c>ingest/</c>.</param>
/// <param name="IngestBytesFreed">The bytes those partial writes held.</param>
public sealed record PruneReport(
    ImmutableArray<BlobInfo> RemovedBlobs,
    ImmutableArray<BlobInfo> KeptRecentBlobs,
    int RemovedIngestFiles,
    long IngestBytesFreed)
{
    /// <summary>All bytes freed: removed blobs and partial writes.</summary>
    public long BytesFreed => RemovedBlobs.Sum(blob => blob.Size) + IngestBytesFreed;
}
