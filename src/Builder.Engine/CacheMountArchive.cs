using System.Collections.Immutable;
using Builder.Cache.BuildCache;
using Builder.Cache.Content;
using Builder.Cache.Layers;
using Builder.Graph;
using Builder.Oci;
using Builder.Solver.Mounts;
using Builder.Solver.Progress;

namespace Builder.Engine;

/// <summary>
/// Moves the content of <c>RUN --mount=type=cache</c> directories between the store and a shared build cache
/// (moby/buildkit#1474): <c>--cache-to …,cache-mounts=true</c> exports each directory a build's steps use as a gzipped
/// layer (<see cref="CacheMountRecord"/>), and <c>--cache-from</c> restores one into a machine that has no such cache
/// mount yet, before the first step that uses it runs, so a fresh CI runner starts with a warm package cache.
/// </summary>
internal sealed class CacheMountArchive(ContentStore content, ImportedCache imported, BlobFetcher fetcher) : ICacheMountImport
{
    /// <summary>How many cache mounts were restored from an imported cache in this build.</summary>
    public int Restored => _restored;

    private int _restored;

    /// <inheritdoc />
    public async Task<bool> TryRestoreAsync(string id, string directory, CancellationToken cancellationToken)
    {
        if (imported.FindCacheMount(id) is not { } mount) return false;
        await fetcher.EnsureAsync(content, mount.Layer.Digest, cancellationToken).ConfigureAwait(false);
        await using (Stream blob = content.OpenRead(mount.Layer.Digest))
            await LayerApplier.ApplyAsync(blob, directory, mount.DiffId, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _restored);
        return true;
    }

    /// <summary>The ids of the cache mounts the targets' RUN steps use, each once.</summary>
    public static ImmutableArray<string> IdsUsedBy(IEnumerable<BuildTarget> targets) =>
        [.. targets.SelectMany(t => new BuildGraph(t).Steps()).OfType<ExecStep>().SelectMany(s => s.Mounts.OfType<CacheMount>())
            .Select(m => m.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The cache mounts to export for <paramref name="spec"/>: each of <paramref name="ids"/> that this machine has,
    /// as a layer written into the content store unless its content is what was imported (then the imported blob is
    /// named again and nothing is compressed or uploaded); one this machine does not have but an imported cache had is
    /// carried forward; one larger than the cap is left out with a warning.
    /// </summary>
    public async Task<IReadOnlyList<CacheMountRecord>> ExportAsync(CacheSpec spec, IReadOnlyList<string> ids, IBuildProgress progress,
        CancellationToken cancellationToken)
    {
        var records = new List<CacheMountRecord>();
        int changed = 0, unchanged = 0;
        foreach (string id in ids)
        {
            CacheMountRecord? before = imported.FindCacheMount(id);
            string directory = Path.Combine(content.Layout.CacheMounts, StoreLayout.CacheMountName(id));
            if (!Directory.Exists(directory))
            {
                if (before is not null) records.Add(before);
                continue;
            }
            // A locked or private mount may be in use by another build: its content is read while no step holds it.
            using FileLock held = await FileLock.AcquireAsync(directory + ".lock", exclusive: true, cancellationToken).ConfigureAwait(false);
            // The tar is hashed first, uncompressed and written nowhere: an unchanged mount costs a read, not a compression.
            LayerWriteResult tar = await LayerWriter.WriteAsync(LayerSource.FromDirectory(directory), Stream.Null,
                new LayerWriteOptions { Compression = LayerCompression.Uncompressed }, cancellationToken).ConfigureAwait(false);
            if (tar.UncompressedSize > spec.CacheMountsMaxSize)
            {
                progress.Message(BuildMessage.Warning($"cache mount '{id}' is {ByteSize.Format(tar.UncompressedSize)}, over cache-mounts-max-size={ByteSize.Format(spec.CacheMountsMaxSize)}: left out of the cache export to {spec.Location}"));
                continue;
            }
            if (before is not null && before.DiffId == tar.DiffId)
            {
                records.Add(before);
                unchanged++;
                continue;
            }
            Directory.CreateDirectory(content.IngestDirectory);
            string file = Path.Combine(content.IngestDirectory, $"cache-mount-{Guid.NewGuid():N}");
            LayerWriteResult layer = await LayerWriter.WriteToFileAsync(LayerSource.FromDirectory(directory), file,
                new LayerWriteOptions { Compression = LayerCompression.Gzip }, cancellationToken).ConfigureAwait(false);
            Descriptor blob = await content.AdoptAsync(file, layer.Descriptor, cancellationToken).ConfigureAwait(false);
            records.Add(new CacheMountRecord(id, blob, layer.DiffId));
            changed++;
        }
        if (records.Count > 0 || ids.Count > 0)
            progress.Message(BuildMessage.Info($"exported {records.Count} cache mounts to {spec.Location}: {changed} changed, {unchanged} unchanged since imported, {records.Count - changed - unchanged} carried over"));
        return records;
    }
}
