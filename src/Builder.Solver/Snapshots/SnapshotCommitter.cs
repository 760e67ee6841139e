using Builder.Cache.Content;
using Builder.Cache.Layers;

namespace Builder.Solver.Snapshots;

/// <summary>
/// Ends a step's snapshot: its changes become a layer blob in the content store (from the overlay upper directory,
/// or by comparing trees for a copied snapshot) and a committed directory under <c>layersRoot/&lt;diffID&gt;</c>.
/// </summary>
/// <param name="content">The store the layer blobs go into.</param>
/// <param name="workRoot">Where blobs are written before they are named.</param>
/// <param name="layersRoot">Where committed layer directories are kept, by diffID.</param>
/// <param name="flushBlobs">
/// Whether a blob is flushed to disk before it is named; false when the store's <see cref="UnflushedWrites"/> window
/// is open, whose recovery checks the blob after a crash.
/// </param>
public sealed class SnapshotCommitter(ContentStore content, string workRoot, string layersRoot, bool flushBlobs = true)
{
    /// <summary>Where the committed directory of the layer with <paramref name="diffId"/> is.</summary>
    public string DirectoryOf(Builder.Oci.Digest diffId) => Path.Combine(layersRoot, diffId.Encoded);

    /// <summary>Writes the layer of <paramref name="snapshot"/> and commits it.</summary>
    public async Task<CommittedLayer> CommitAsync(Snapshot snapshot, LayerWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Directory.CreateDirectory(workRoot);
        LayerSource changes = snapshot.ChangesDirectory is { } upper
            ? LayerSource.FromOverlayUpper(upper)
            : LayerSource.FromDiff(snapshot.LowerDirectories.Count > 0
                ? snapshot.LowerDirectories[0]
                : Directory.CreateDirectory(Path.Combine(workRoot, "empty")).FullName, snapshot.RootFilesystem);
        string blobFile = Path.Combine(workRoot, Guid.NewGuid().ToString("N") + ".layer");
        LayerWriteResult layer;
        try
        {
            // The writer hashed the blob as it wrote it: the store takes the file as it is (renamed, not copied).
            layer = await LayerWriter.WriteToFileAsync(changes, blobFile, options, cancellationToken).ConfigureAwait(false);
            await content.AdoptAsync(blobFile, layer.Descriptor, flushBlobs, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(blobFile);
        }
        string committed = DirectoryOf(layer.DiffId);
        if (!Directory.Exists(committed))
        {
            try
            {
                snapshot.Commit(committed);
            }
            catch (IOException) when (Directory.Exists(committed))
            {
                // Another build committed the same changes first; theirs is identical.
            }
        }
        return new CommittedLayer(layer, committed);
    }
}
