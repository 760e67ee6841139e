namespace Builder.Cache.Images;

/// <summary>What <see cref="GarbageCollector.PruneAsync"/> may remove.</summary>
public sealed record PruneOptions
{
    /// <summary>
    /// Unreferenced blobs written (or rewritten) more recently than this are kept: another process may have just
    /// stored them for an image it has not tagged yet. The default is ten minutes; zero removes every unreferenced blob.
    /// </summary>
    public TimeSpan KeepRecent { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Files under <c>ingest/</c> untouched for this long are left over from a crashed or killed writer and are
    /// removed; younger ones may belong to a write in progress. The default is one hour.
    /// </summary>
    public TimeSpan StaleIngestAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Report what would be removed without removing it.</summary>
    public bool DryRun { get; init; }
}
