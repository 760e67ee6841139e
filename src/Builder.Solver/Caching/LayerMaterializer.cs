using System.Collections.Concurrent;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Solver.Snapshots;

namespace Builder.Solver.Caching;

/// <summary>
/// Makes the directories snapshots stack when, and only when, a step needs them: a base image's unpacked tree, or a
/// layer known only by its blob (a step found in a <c>--cache-from</c> cache, or a local cache entry whose unpacked
/// directory is gone). Blobs the store lacks are fetched through the <see cref="BlobFetcher"/>; each directory is
/// made once, however many steps ask. A fully cached build therefore fetches and unpacks nothing.
/// </summary>
public sealed class LayerMaterializer(SnapshotCommitter committer, ContentStore content, BlobFetcher fetcher)
{
    private readonly ConcurrentDictionary<string, Func<CancellationToken, Task>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _making = new(StringComparer.Ordinal);

    /// <summary>The directory <paramref name="layer"/> will be in, remembered so <see cref="EnsureAsync"/> can make it from the blob.</summary>
    public string Register(ImageLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        string directory = committer.DirectoryOf(layer.DiffId);
        if (!Directory.Exists(directory)) _pending.TryAdd(directory, token => UnpackAsync(layer, directory, token));
        return directory;
    }

    /// <summary>Remembers how to make <paramref name="directory"/> (a base image's tree) if a step needs it.</summary>
    public void Register(string directory, Func<CancellationToken, Task> make)
    {
        if (!Directory.Exists(directory)) _pending.TryAdd(directory, make);
    }

    /// <summary>Makes every registered directory among <paramref name="directories"/> that does not exist yet.</summary>
    public async Task EnsureAsync(IEnumerable<string> directories, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directories);
        foreach (string directory in directories)
        {
            if (Directory.Exists(directory) || !_pending.TryGetValue(directory, out Func<CancellationToken, Task>? make)) continue;
            await _making.GetOrAdd(directory, _ => new Lazy<Task>(() => make(cancellationToken))).Value.ConfigureAwait(false);
        }
    }

    /// <summary>Fetches the blobs of <paramref name="layers"/> the store lacks (an export needs their bytes).</summary>
    public async Task EnsureBlobsAsync(IEnumerable<ImageLayer> layers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (ImageLayer layer in layers)
            await fetcher.EnsureAsync(content, layer.Blob.Digest, cancellationToken).ConfigureAwait(false);
    }

    private async Task UnpackAsync(ImageLayer layer, string directory, CancellationToken cancellationToken)
    {
        await fetcher.EnsureAsync(content, layer.Blob.Digest, cancellationToken).ConfigureAwait(false);
        await Filesystem.AtomicDirectory.CreateAsync(directory, async (temporary, token) =>
        {
            Directory.CreateDirectory(temporary);
            await using Stream blob = content.OpenRead(layer.Blob.Digest);
            await LayerApplier.UnpackForOverlayAsync(blob, temporary, layer.DiffId, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }
}
