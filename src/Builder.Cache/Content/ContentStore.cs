using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Builder.Oci;

namespace Builder.Cache.Content;

/// <summary>
/// A content-addressed blob store on disk: <c>&lt;root&gt;/blobs/&lt;algorithm&gt;/&lt;hex&gt;</c>, the layout of an OCI
/// image layout's blobs (image-layout.md). Several processes may share one root.
/// </summary>
/// <remarks>
/// A write streams to a file of its own under <c>&lt;root&gt;/ingest/</c>, checks the digest, and only then renames
/// the file into <c>blobs/</c>. rename(2) is atomic, so a blob's name only ever holds complete, verified content, even
/// after a crash, and two writers of the same blob both succeed. The rename happens under a shared hold of the
/// collection lock, which the garbage collector holds exclusively while it marks and sweeps.
/// </remarks>
public sealed class ContentStore : IBlobReader
{
    /// <summary>The suffix of in-progress writes under <c>ingest/</c>.</summary>
    internal const string PartialSuffix = ".partial";

    private const int BufferSize = 128 * 1024;

    /// <summary>Opens (without creating anything yet) the store at <paramref name="root"/>.</summary>
    public ContentStore(string root)
    {
        Layout = new StoreLayout(root);
    }

    /// <summary>The folders of the store this content store is part of.</summary>
    public StoreLayout Layout { get; }

    /// <summary>The store's root directory.</summary>
    public string Root => Layout.Root;

    /// <summary>Where blobs live: <c>&lt;root&gt;/blobs</c>.</summary>
    public string BlobsDirectory => Layout.Blobs;

    /// <summary>Where writes in progress live: <c>&lt;root&gt;/ingest</c>.</summary>
    public string IngestDirectory => Layout.Ingest;

    internal string LocksDirectory => Layout.Locks;

    /// <summary>The path a blob has (or would have) in the store.</summary>
    public string GetBlobPath(Digest digest) => Path.Combine(BlobsDirectory, digest.Algorithm, digest.Encoded);

    /// <inheritdoc/>
    public bool Contains(Digest digest) => File.Exists(GetBlobPath(digest));

    /// <inheritdoc/>
    public Stream OpenRead(Digest digest)
    {
        try
        {
            return new FileStream(GetBlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(digest, $"the content store at {Root}");
        }
    }

    /// <summary>Reads a whole blob; meant for small ones (manifests, configs).</summary>
    /// <exception cref="BlobNotFoundException">The blob is not present.</exception>
    public async Task<byte[]> ReadAllBytesAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        await using Stream stream = OpenRead(digest);
        using var buffer = new MemoryStream(stream.CanSeek ? (int)Math.Min(stream.Length, int.MaxValue) : 0);
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>The blob's size and modification time, if it is present.</summary>
    public bool TryGetInfo(Digest digest, [NotNullWhen(true)] out BlobInfo? info)
    {
        var file = new FileInfo(GetBlobPath(digest));
        info = file.Exists ? new BlobInfo(digest, file.Length, file.LastWriteTimeUtc) : null;
        return info is not null;
    }

    /// <summary>The blob's size and modification time.</summary>
    /// <exception cref="BlobNotFoundException">The blob is not present.</exception>
    public BlobInfo GetInfo(Digest digest) =>
        TryGetInfo(digest, out BlobInfo? info) ? info : throw new BlobNotFoundException(digest, $"the content store at {Root}");

    /// <summary>Removes a blob. Returns whether it was present. Readers that already opened it keep reading it.</summary>
    public bool Delete(Digest digest)
    {
        string path = GetBlobPath(digest);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    /// <summary>Every blob in the store; files that are not named by a valid digest are left out.</summary>
    public IEnumerable<BlobInfo> Enumerate()
    {
        var blobs = new DirectoryInfo(BlobsDirectory);
        if (!blobs.Exists) yield break;
        foreach (DirectoryInfo algorithm in blobs.EnumerateDirectories())
        {
            foreach (FileInfo file in algorithm.EnumerateFiles())
            {
                if (!Digest.TryParse($"{algorithm.Name}:{file.Name}", out Digest digest)) continue;
                long size;
                DateTime modified;
                try
                {
                    (size, modified) = (file.Length, file.LastWriteTimeUtc);
                }
                catch (FileNotFoundException)
                {
                    continue;   // deleted since the directory was listed
                }
                yield return new BlobInfo(digest, size, modified);
            }
        }
    }

    /// <summary>
    /// Writes the blob <paramref name="expected"/> describes, checking its digest and size. A blob already stored
    /// is not read again.
    /// </summary>
    /// <returns><paramref name="expected"/>.</returns>
    /// <exception cref="DigestMismatchException">The content has another digest or size; nothing was stored.</exception>
    public async Task<Descriptor> WriteAsync(Stream content, Descriptor expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        await WriteCoreAsync(content, expected.Digest, expected.Size, cancellationToken).ConfigureAwait(false);
        return expected;
    }

    /// <summary>Writes a blob whose digest is known in advance, checking it. A blob already stored is not read again.</summary>
    /// <exception cref="DigestMismatchException">The content has another digest; nothing was stored.</exception>
    public Task<BlobInfo> WriteAsync(Stream content, Digest expected, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(content, expected, null, cancellationToken);

    /// <summary>Writes a blob, computing its sha256 digest.</summary>
    public Task<BlobInfo> WriteAsync(Stream content, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(content, null, null, cancellationToken);

    /// <summary>
    /// Writes a blob held in memory, computing its sha256 digest. It is hashed before anything is written, so a blob
    /// already stored (the config and manifest of a rebuild that changed nothing) only has its time refreshed: no
    /// temporary file, no flush to disk.
    /// </summary>
    public Task<BlobInfo> WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(new ReadOnlyMemoryStream(content), Digest.Sha256Of(content.Span), content.Length, cancellationToken);

    /// <summary>Writes a blob held in memory (a manifest, a config) and returns its descriptor.</summary>
    public async Task<Descriptor> WriteAsync(string mediaType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        BlobInfo blob = await WriteAsync(content, cancellationToken).ConfigureAwait(false);
        return new Descriptor(mediaType, blob.Digest, blob.Size);
    }

    /// <summary>
    /// Moves <paramref name="file"/> into the store as the blob <paramref name="expected"/> describes, without reading
    /// it again: for a blob its writer hashed as it wrote it (a layer the committer or compressor just made), where
    /// copying it through <see cref="WriteAsync(Stream, Descriptor, CancellationToken)"/> would write and hash every
    /// byte a second time. The caller vouches for the digest; the size is checked. The file is made durable before it
    /// gets its name unless the caller says not to (a writer covered by <see cref="UnflushedWrites"/>, whose
    /// recovery checks the blob after a crash), and renamed when it is on the store's file system (copied otherwise).
    /// A blob already stored is kept and the file deleted.
    /// </summary>
    /// <exception cref="DigestMismatchException">The file's size is not the descriptor's; nothing was stored.</exception>
    public Task<Descriptor> AdoptAsync(string file, Descriptor expected, CancellationToken cancellationToken = default) =>
        AdoptAsync(file, expected, flush: true, cancellationToken);

    /// <inheritdoc cref="AdoptAsync(string, Descriptor, CancellationToken)"/>
    /// <param name="file">The blob's bytes, a file the caller wrote.</param>
    /// <param name="expected">Its descriptor, as the writer hashed it.</param>
    /// <param name="flush">Whether the file is flushed to disk before it is named.</param>
    /// <param name="cancellationToken">Cancels waiting for the collection lock.</param>
    public async Task<Descriptor> AdoptAsync(string file, Descriptor expected, bool flush, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentNullException.ThrowIfNull(expected);
        if (await TryRefreshAsync(expected.Digest, expected.Size, cancellationToken).ConfigureAwait(false) is not null)
        {
            TryDelete(file);
            return expected;
        }
        long size = new FileInfo(file).Length;
        if (size != expected.Size)
        {
            TryDelete(file);
            throw new DigestMismatchException(expected.Digest, expected.Size, expected.Digest, size);
        }
        // On disk before it gets its real name, so a power loss cannot leave a named but empty blob.
        if (flush)
        {
            using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }
        string final = GetBlobPath(expected.Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        using (await LockCollectionAsync(exclusive: false, cancellationToken).ConfigureAwait(false))
        {
            if (!TryTouch(final))
                File.Move(file, final, overwrite: true);
        }
        TryDelete(file);
        return expected;
    }

    /// <summary>
    /// Takes the store-wide collection lock: shared by writers (blob renames, image and root updates), exclusive
    /// for the garbage collector, so a sweep never runs between a writer's check and its rename or tag.
    /// </summary>
    internal Task<FileLock> LockCollectionAsync(bool exclusive, CancellationToken cancellationToken) =>
        LockAsync("collection", exclusive, cancellationToken);

    /// <summary>Takes the lock <c>&lt;root&gt;/locks/&lt;name&gt;.lock</c>.</summary>
    internal Task<FileLock> LockAsync(string name, bool exclusive, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(LocksDirectory);
        return FileLock.AcquireAsync(Path.Combine(LocksDirectory, name + ".lock"), exclusive, cancellationToken);
    }

    private async Task<BlobInfo> WriteCoreAsync(Stream content, Digest? expected, long? expectedSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (expected is { } known && await TryRefreshAsync(known, expectedSize, cancellationToken).ConfigureAwait(false) is { } stored)
            return stored;
        Directory.CreateDirectory(IngestDirectory);
        string algorithm = expected?.Algorithm ?? Digest.Sha256;
        // One file per writer: two processes writing the same blob never share a temporary file.
        string temporary = Path.Combine(IngestDirectory,
            $"{expected?.Encoded[..16] ?? "unknown"}-{Environment.ProcessId}-{Guid.NewGuid():N}{PartialSuffix}");
        try
        {
            using var hash = IncrementalHash.CreateHash(algorithm == Digest.Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);
            long size = 0;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                await using var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                    1, FileOptions.Asynchronous);
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    size += read;
                }
                // On disk before it gets its real name, so a power loss cannot leave a named but empty blob.
                file.Flush(flushToDisk: true);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            var actual = new Digest(algorithm, Convert.ToHexStringLower(hash.GetHashAndReset()));
            if ((expected is { } e && e != actual) || (expectedSize is long s && s != size))
                throw new DigestMismatchException(expected ?? actual, expectedSize, actual, size);

            string final = GetBlobPath(actual);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            using (await LockCollectionAsync(exclusive: false, cancellationToken).ConfigureAwait(false))
            {
                if (!TryTouch(final))
                    File.Move(temporary, final, overwrite: true);
            }
            return new BlobInfo(actual, size, File.GetLastWriteTimeUtc(final));
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    // A blob announced by digest that is already stored (and so was verified) need not be read again, as
    // containerd's content store answers "already exists"; its time is refreshed under the lock all the same.
    private async Task<BlobInfo?> TryRefreshAsync(Digest digest, long? expectedSize, CancellationToken cancellationToken)
    {
        if (!TryGetInfo(digest, out BlobInfo? existing) || (expectedSize is long size && size != existing.Size))
            return null;
        using (await LockCollectionAsync(exclusive: false, cancellationToken).ConfigureAwait(false))
        {
            string path = GetBlobPath(digest);
            return TryTouch(path) ? existing with { ModifiedUtc = File.GetLastWriteTimeUtc(path) } : null;
        }
    }

    // A blob someone else already stored gets a fresh time instead, so a collection's grace period also covers
    // this writer, who may be about to reference it.
    private static bool TryTouch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the collector, which removes stale files under ingest/.
        }
    }
}
