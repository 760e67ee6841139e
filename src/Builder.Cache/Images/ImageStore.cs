using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>
/// The local image store: names (normalised tags, <c>docker.io/library/app:1</c>) pointing at image manifests or
/// indexes in a <see cref="ContentStore"/>, kept in <c>&lt;root&gt;/images.json</c>; and garbage-collection roots
/// that other parts (the cache index) register by name in <c>&lt;root&gt;/gc-roots/</c>.
/// </summary>
/// <remarks>
/// Every change takes the store's collection lock shared and then <c>locks/images.lock</c> exclusively, and
/// replaces the file by a rename, so processes sharing the root never lose each other's tags and a concurrent
/// <see cref="GarbageCollector"/> sees either the old or the new list.
/// </remarks>
public sealed partial class ImageStore
{
    /// <summary>Opens the image store kept beside <paramref name="content"/>.</summary>
    public ImageStore(ContentStore content)
    {
        ArgumentNullException.ThrowIfNull(content);
        Content = content;
    }

    /// <summary>The content store holding the images' blobs.</summary>
    public ContentStore Content { get; }

    /// <summary>The file holding the image names: <c>&lt;root&gt;/images.json</c>.</summary>
    public string ImagesFilePath => Content.Layout.ImagesFile;

    /// <summary>The folder of garbage-collection roots: <c>&lt;root&gt;/gc-roots</c>.</summary>
    public string RootsDirectory => Path.Combine(Content.Root, "gc-roots");

    /// <summary>Every image name, sorted.</summary>
    public async Task<ImmutableArray<ImageRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        ImmutableSortedDictionary<string, Descriptor> images = await ImagesFile.ReadAsync(ImagesFilePath, cancellationToken).ConfigureAwait(false);
        return [.. images.Select(entry => new ImageRecord(ImageReference.Parse(entry.Key), entry.Value))];
    }

    /// <summary>
    /// The image a reference names: by tag (<c>app:1</c>, and if a digest is also given it must match), or by
    /// digest (<c>app@sha256:…</c>: a name of that repository pointing at that digest). <see langword="null"/> if none.
    /// </summary>
    public async Task<ImageRecord?> FindAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ImmutableArray<ImageRecord> images = await ListAsync(cancellationToken).ConfigureAwait(false);
        return images.FirstOrDefault(image => Matches(image, reference));
    }

    /// <summary>The image a reference names, as <see cref="FindAsync"/> finds it.</summary>
    /// <exception cref="ImageNotFoundException">No image has that name.</exception>
    public async Task<ImageRecord> GetAsync(ImageReference reference, CancellationToken cancellationToken = default) =>
        await FindAsync(reference, cancellationToken).ConfigureAwait(false) ?? throw new ImageNotFoundException(reference);

    /// <summary>Points the tag <paramref name="reference"/> at <paramref name="target"/>, replacing what it pointed at.</summary>
    /// <exception cref="ArgumentException">The reference has no tag, or its digest is not the target's, or the target is not a manifest or index.</exception>
    /// <exception cref="BlobNotFoundException">The target is not in the content store.</exception>
    public async Task<ImageRecord> SetAsync(ImageReference reference, Descriptor target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(target);
        if (reference.Tag is null)
            throw new ArgumentException($"'{reference.FamiliarName}' has no tag: an image name needs one, for example {reference.Name}:latest", nameof(reference));
        if (reference.Digest is { } pinned && pinned != target.Digest)
            throw new ArgumentException($"'{reference.FamiliarName}' pins {pinned}, but the image is {target.Digest}", nameof(reference));
        if (!ManifestSerializer.IsIndex(target.MediaType) && target.MediaType is not (MediaTypes.OciManifest or MediaTypes.DockerManifest))
            throw new ArgumentException($"an image name must point at a manifest or an index, not {target.MediaType}", nameof(target));
        var record = new ImageRecord(ImageReference.Parse($"{reference.Name}:{reference.Tag}"), target with
        {
            Platform = null,
            Annotations = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal),
        });
        await UpdateAsync(images =>
        {
            // Checked under the collection lock: a collection cannot remove the target between check and tag.
            if (!Content.Contains(target.Digest))
                throw new BlobNotFoundException(target.Digest, $"the content store at {Content.Root}");
            // The list keeps a target's media type, digest and size: a name that already points at this one (a
            // rebuild that changed nothing) leaves the list as it is, and it is not written again.
            string name = record.Reference.ToString();
            if (images.TryGetValue(name, out Descriptor? current)
                && (current.MediaType, current.Digest, current.Size) == (record.Target.MediaType, record.Target.Digest, record.Target.Size))
                return images;
            return images.SetItem(name, record.Target);
        }, cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <summary>Gives the image <paramref name="source"/> names the further name <paramref name="target"/>.</summary>
    /// <exception cref="ImageNotFoundException">No image is named <paramref name="source"/>.</exception>
    public async Task<ImageRecord> TagAsync(ImageReference source, ImageReference target, CancellationToken cancellationToken = default)
    {
        ImageRecord image = await GetAsync(source, cancellationToken).ConfigureAwait(false);
        return await SetAsync(target, image.Target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the name (untags). By digest (<c>app@sha256:…</c>) it removes every name of that repository
    /// pointing at the digest. Blobs stay until a <see cref="GarbageCollector"/> prunes them.
    /// </summary>
    /// <returns>The names removed.</returns>
    /// <exception cref="ImageNotFoundException">No image has that name.</exception>
    public async Task<ImmutableArray<ImageRecord>> RemoveAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ImmutableArray<ImageRecord> removed = [];
        await UpdateAsync(images =>
        {
            removed = [.. images.Select(entry => new ImageRecord(ImageReference.Parse(entry.Key), entry.Value))
                .Where(image => Matches(image, reference))];
            return images.RemoveRange(removed.Select(image => image.Reference.ToString()));
        }, cancellationToken).ConfigureAwait(false);
        return removed.IsEmpty ? throw new ImageNotFoundException(reference) : removed;
    }

    /// <summary>
    /// Registers a garbage-collection root: <paramref name="digest"/> and everything it references (if it is a
    /// manifest or index) survive collection until the root is removed. Adding an existing name replaces it.
    /// </summary>
    /// <param name="name">Letters, digits, '.', '_' and '-', up to 128; for example <c>cache-index</c>.</param>
    /// <param name="digest">The blob to keep; it need not be stored yet.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock.</param>
    public async Task AddRootAsync(string name, Digest digest, CancellationToken cancellationToken = default)
    {
        string path = RootPath(name);
        Directory.CreateDirectory(RootsDirectory);
        using (await Content.LockCollectionAsync(exclusive: false, cancellationToken).ConfigureAwait(false))
        {
            string temporary = Path.Combine(RootsDirectory, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            await File.WriteAllTextAsync(temporary, digest + "\n", cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
    }

    /// <summary>Removes a garbage-collection root. Returns whether it existed.</summary>
    public async Task<bool> RemoveRootAsync(string name, CancellationToken cancellationToken = default)
    {
        string path = RootPath(name);
        using (await Content.LockCollectionAsync(exclusive: false, cancellationToken).ConfigureAwait(false))
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
    }

    /// <summary>Every garbage-collection root, by name.</summary>
    /// <exception cref="InvalidDataException">A root file does not hold a digest.</exception>
    public async Task<ImmutableSortedDictionary<string, Digest>> ListRootsAsync(CancellationToken cancellationToken = default)
    {
        var roots = ImmutableSortedDictionary.CreateBuilder<string, Digest>(StringComparer.Ordinal);
        if (!Directory.Exists(RootsDirectory)) return roots.ToImmutable();
        foreach (string path in Directory.EnumerateFiles(RootsDirectory))
        {
            string name = Path.GetFileName(path);
            if (!RootNamePattern().IsMatch(name)) continue;   // temporary files start with '.'
            string text;
            try
            {
                text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            roots[name] = Digest.TryParse(text.Trim(), out Digest digest)
                ? digest
                : throw new InvalidDataException($"the garbage-collection root {path} does not hold a digest; fix or delete it");
        }
        return roots.ToImmutable();
    }

    /// <summary>How much space each image and the whole store take.</summary>
    public async Task<DiskUsageReport> GetDiskUsageAsync(CancellationToken cancellationToken = default)
    {
        var walker = new ReferenceWalker(Content);
        Dictionary<Digest, long> sizes = Content.Enumerate().ToDictionary(blob => blob.Digest, blob => blob.Size);
        ImmutableArray<ImageRecord> images = await ListAsync(cancellationToken).ConfigureAwait(false);

        // Blobs are shared when images with different targets use them; two names of one target share nothing.
        var reachableByTarget = new Dictionary<Digest, HashSet<Digest>>();
        foreach (ImageRecord image in images)
        {
            if (reachableByTarget.ContainsKey(image.Target.Digest)) continue;
            var reachable = new HashSet<Digest>();
            await walker.MarkAsync(image.Target.Digest, image.Target.MediaType, reachable, cancellationToken).ConfigureAwait(false);
            reachable.RemoveWhere(digest => !sizes.ContainsKey(digest));
            reachableByTarget[image.Target.Digest] = reachable;
        }
        var users = new Dictionary<Digest, int>();
        foreach (HashSet<Digest> reachable in reachableByTarget.Values)
            foreach (Digest digest in reachable)
                users[digest] = users.GetValueOrDefault(digest) + 1;

        var referenced = new HashSet<Digest>(users.Keys);
        foreach (Digest root in (await ListRootsAsync(cancellationToken).ConfigureAwait(false)).Values)
            await walker.MarkAsync(root, null, referenced, cancellationToken).ConfigureAwait(false);
        // As the garbage collector: the remembered compressed forms of a live layer are not reclaimable.
        foreach (CompressedLayerEntry entry in new CompressedLayerMemo(Content).List().Where(e => referenced.Contains(e.DiffId)).ToList())
            referenced.Add(entry.Blob);

        ImmutableArray<ImageDiskUsage> usage = [.. images.Select(image =>
        {
            HashSet<Digest> reachable = reachableByTarget[image.Target.Digest];
            return new ImageDiskUsage(image.Reference, image.Target,
                reachable.Sum(digest => sizes[digest]), reachable.Where(digest => users[digest] > 1).Sum(digest => sizes[digest]));
        })];
        long ingest = Directory.Exists(Content.IngestDirectory)
            ? new DirectoryInfo(Content.IngestDirectory).EnumerateFiles().Sum(file => file.Length)
            : 0;
        return new DiskUsageReport(usage, sizes.Count, sizes.Values.Sum(), users.Keys.Sum(digest => sizes[digest]),
            sizes.Where(blob => !referenced.Contains(blob.Key)).Sum(blob => blob.Value), ingest, WorkFolderUsage.BytesOf(Content.Layout.Work));
    }

    /// <summary>Reads the image list for the collector, which already holds the collection lock exclusively.</summary>
    internal Task<ImmutableSortedDictionary<string, Descriptor>> ReadImagesAsync(CancellationToken cancellationToken) =>
        ImagesFile.ReadAsync(ImagesFilePath, cancellationToken);

    private static bool Matches(ImageRecord image, ImageReference reference)
    {
        if (image.Reference.Name != reference.Name) return false;
        if (reference.Tag is not null && image.Reference.Tag != reference.Tag) return false;
        return reference.Digest is not { } digest || image.Target.Digest == digest;
    }

    private async Task UpdateAsync(
        Func<ImmutableSortedDictionary<string, Descriptor>, ImmutableSortedDictionary<string, Descriptor>> change,
        CancellationToken cancellationToken)
    {
        using FileLock collection = await Content.LockCollectionAsync(exclusive: false, cancellationToken).ConfigureAwait(false);
        using FileLock images = await Content.LockAsync("images", exclusive: true, cancellationToken).ConfigureAwait(false);
        ImmutableSortedDictionary<string, Descriptor> before = await ImagesFile.ReadAsync(ImagesFilePath, cancellationToken).ConfigureAwait(false);
        ImmutableSortedDictionary<string, Descriptor> after = change(before);
        if (!ReferenceEquals(before, after))
            await ImagesFile.WriteAsync(ImagesFilePath, after, cancellationToken).ConfigureAwait(false);
    }

    private string RootPath(string name)
    {
        if (!IsValidRootName(name))
            throw new ArgumentException($"'{name}' is not a valid root name: use 1 to 128 letters, digits, '.', '_' or '-', not starting with '.' or '-'", nameof(name));
        return Path.Combine(RootsDirectory, name);
    }

    private static bool IsValidRootName([NotNullWhen(true)] string? name) => name is not null && RootNamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex RootNamePattern();
}
