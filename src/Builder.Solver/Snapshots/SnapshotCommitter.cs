using System.Collections.Concurrent;
using Builder.Cache.Content;
using Builder.Cache.Layers;
using Builder.Oci;

namespace Builder.Solver.Snapshots;

/// <summary>
/// Ends a step's snapshot: its changes become a committed directory at once, which later steps stack on, and a layer
/// blob in the content store, written from that directory in the background while later steps run (from the overlay
/// upper directory, or by comparing trees for a copied snapshot). When the build ends (<see cref="Publish"/>), each
/// committed directory moves to <c>layersRoot/&lt;diffID&gt;</c>, where later builds find it.
/// </summary>
/// <remarks>
/// A committed directory is never changed again, so reading it for the layer while a later step's snapshot has it as
/// a lower directory is safe; it keeps its path for the whole build, because later steps hold that path.
/// </remarks>
/// <param name="content">The store the layer blobs go into.</param>
/// <param name="workRoot">The build's working folder: committed directories and blobs being written are kept there.</param>
/// <param name="layersRoot">Where committed layer directories are kept, by diffID, once the build ends.</param>
/// <param name="flushBlobs">
/// Whether a blob is flushed to disk before it is named; false when the store's <see cref="UnflushedWrites"/> window
/// is open, whose recovery checks the blob after a crash.
/// </param>
/// <param name="stopping">Stops the layers still being written (the build was cancelled).</param>
public sealed class SnapshotCommitter(ContentStore content, string workRoot, string layersRoot, bool flushBlobs = true,
    CancellationToken stopping = default)
{
    private readonly ConcurrentQueue<CommittedLayer> _committed = new();

    // The committed directory of each layer this build has written, by diffID, until Publish moves it.
    private readonly ConcurrentDictionary<Digest, string> _written = new();

    /// <summary>Where the committed directory of the layer with <paramref name="diffId"/> is: this build's own, or the store's.</summary>
    public string DirectoryOf(Digest diffId) =>
        _written.TryGetValue(diffId, out string? committed) ? committed : Path.Combine(layersRoot, diffId.Encoded);

    /// <summary>
    /// Ends <paramref name="snapshot"/>: its changes are kept in a committed directory, returned at once, and its layer
    /// is written from there in the background (<see cref="CommittedLayer.Layer"/>).
    /// </summary>
    public CommittedLayer Commit(Snapshot snapshot, LayerWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        string committed = Path.Combine(workRoot, "committed", Guid.NewGuid().ToString("N"));
        IReadOnlyList<string> lowers = snapshot.LowerDirectories;
        bool overlay = snapshot.ChangesDirectory is not null;
        snapshot.Commit(committed);
        LayerSource changes = overlay
            ? LayerSource.FromOverlayUpper(committed)
            : LayerSource.FromDiff(lowers.Count > 0 ? lowers[0] : Directory.CreateDirectory(Path.Combine(workRoot, "empty")).FullName, committed);
        var layer = new CommittedLayer(committed, Task.Run(() => WriteAsync(changes, committed, options)));
        _committed.Enqueue(layer);
        return layer;
    }

    private async Task<LayerWriteResult> WriteAsync(LayerSource changes, string committed, LayerWriteOptions options)
    {
        string blobFile = Path.Combine(workRoot, Guid.NewGuid().ToString("N") + ".layer");
        LayerWriteResult layer;
        try
        {
            // The writer hashed the blob as it wrote it: the store takes the file as it is (renamed, not copied).
            layer = await LayerWriter.WriteToFileAsync(changes, blobFile, options, stopping).ConfigureAwait(false);
            await content.AdoptAsync(blobFile, layer.Descriptor, flushBlobs, stopping).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(blobFile);
        }
        _written.TryAdd(layer.DiffId, committed);
        return layer;
    }

    /// <summary>
    /// Waits for every layer still being written, then moves each committed directory whose layer was written to
    /// <c>layersRoot/&lt;diffID&gt;</c>; one another build put there first, or whose layer failed, stays in the working
    /// folder, deleted with it. Call when no snapshot stacks a committed directory any more (the build's mounts are gone).
    /// </summary>
    public void Publish()
    {
        while (_committed.TryDequeue(out CommittedLayer? layer))
        {
            try
            {
                layer.Layer.Wait();
            }
            catch (AggregateException)
            {
                continue; // its step reported the failure
            }
            Digest diffId = layer.Layer.Result.DiffId;
            _written.TryRemove(new KeyValuePair<Digest, string>(diffId, layer.Directory));
            string destination = Path.Combine(layersRoot, diffId.Encoded);
            if (Directory.Exists(destination)) continue;
            try
            {
                Directory.CreateDirectory(layersRoot);
                Directory.Move(layer.Directory, destination);
            }
            catch (IOException) when (Directory.Exists(destination))
            {
                // Another build committed the same changes first; theirs is identical.
            }
        }
        string folder = Path.Combine(workRoot, "committed");
        if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
    }
}
