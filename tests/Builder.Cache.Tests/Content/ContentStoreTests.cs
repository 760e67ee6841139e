using System.Security.Cryptography;
using System.Text;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Tests.Content;

public sealed class ContentStoreTests : IDisposable
{
    private readonly TemporaryStore _store = new();

    private ContentStore Store => _store.Content;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task WriteAsync_MatchingDescriptor_StoresBlobUnderItsDigest()
    {
        byte[] content = Encoding.UTF8.GetBytes("layer bytes");
        var descriptor = new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256Of(content), content.Length);

        await Store.WriteAsync(new MemoryStream(content), descriptor);

        string path = Path.Combine(_store.Root, "blobs", "sha256", descriptor.Digest.Encoded);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Empty(_store.IngestFiles());
    }

    [Fact]
    public async Task AdoptAsync_HashedFile_BecomesTheBlobWithoutACopy()
    {
        byte[] content = Encoding.UTF8.GetBytes("a layer its writer hashed");
        var descriptor = new Descriptor(MediaTypes.OciLayerTar, Digest.Sha256Of(content), content.Length);
        string file = Path.Combine(Directory.CreateDirectory(Path.Combine(_store.Root, "work")).FullName, "layer");
        await File.WriteAllBytesAsync(file, content);
        long inode = new UnixFileInfo(file).Inode;

        await Store.AdoptAsync(file, descriptor);

        string path = Store.GetBlobPath(descriptor.Digest);
        Assert.False(File.Exists(file));
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(inode, new UnixFileInfo(path).Inode);   // renamed, not written again
    }

    [Fact]
    public async Task AdoptAsync_BlobAlreadyStored_KeepsItAndDeletesTheFile()
    {
        byte[] content = Encoding.UTF8.GetBytes("stored twice");
        var descriptor = new Descriptor(MediaTypes.OciLayerTar, Digest.Sha256Of(content), content.Length);
        await Store.WriteAsync(new MemoryStream(content), descriptor);
        long inode = new UnixFileInfo(Store.GetBlobPath(descriptor.Digest)).Inode;
        string file = Path.Combine(_store.Root, "again");
        await File.WriteAllBytesAsync(file, content);

        await Store.AdoptAsync(file, descriptor);

        Assert.False(File.Exists(file));
        Assert.Equal(inode, new UnixFileInfo(Store.GetBlobPath(descriptor.Digest)).Inode);
    }

    [Fact]
    public async Task AdoptAsync_SizeDiffersFromDescriptor_StoresNothing()
    {
        byte[] content = Encoding.UTF8.GetBytes("short");
        var descriptor = new Descriptor(MediaTypes.OciLayerTar, Digest.Sha256Of(content), content.Length + 1);
        string file = Path.Combine(_store.Root, "short");
        await File.WriteAllBytesAsync(file, content);

        await Assert.ThrowsAsync<DigestMismatchException>(() => Store.AdoptAsync(file, descriptor));

        Assert.False(Store.Contains(descriptor.Digest));
        Assert.False(File.Exists(file));
    }

    private readonly record struct UnixFileInfo(string Path)
    {
        // The inode number, from stat(1): enough to tell a rename from a copy.
        public long Inode => long.Parse(Builder.Testing.ProcessRunner.Run("stat", ["-c", "%i", Path]).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task WriteAsync_NoExpectedDigest_ComputesSha256()
    {
        BlobInfo blob = await Store.WriteAsync(new MemoryStream(Encoding.ASCII.GetBytes("hello")));

        Assert.Equal("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", blob.Digest.ToString());
        Assert.Equal(5, blob.Size);
        Assert.True(Store.Contains(blob.Digest));
    }

    [Fact]
    public async Task WriteAsync_Bytes_ReturnsDescriptorWithMediaType()
    {
        byte[] content = Encoding.UTF8.GetBytes("{}");
        Descriptor descriptor = await Store.WriteAsync(MediaTypes.OciConfig, content);
        Assert.Equal((MediaTypes.OciConfig, Digest.Sha256Of(content), 2L), (descriptor.MediaType, descriptor.Digest, descriptor.Size));
        Assert.Equal(content, await Store.ReadAllBytesAsync(descriptor.Digest));
    }

    [Fact]
    public async Task WriteAsync_MismatchedDigest_ThrowsNamingBothDigestsAndStoresNothing()
    {
        byte[] content = Encoding.UTF8.GetBytes("actual content");
        Digest announced = Digest.Sha256Of(Encoding.UTF8.GetBytes("announced content"));

        var e = await Assert.ThrowsAsync<DigestMismatchException>(() => Store.WriteAsync(new MemoryStream(content), announced));

        Assert.Contains(announced.ToString(), e.Message);
        Assert.Contains(Digest.Sha256Of(content).ToString(), e.Message);
        Assert.Equal(announced, e.Expected);
        Assert.False(Store.Contains(announced));
        Assert.False(Store.Contains(Digest.Sha256Of(content)));
        Assert.Empty(_store.BlobFiles());
        Assert.Empty(_store.IngestFiles());
    }

    [Fact]
    public async Task WriteAsync_MismatchedSize_ThrowsAndStoresNothing()
    {
        byte[] content = Encoding.UTF8.GetBytes("sized");
        var descriptor = new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256Of(content), content.Length + 1);

        var e = await Assert.ThrowsAsync<DigestMismatchException>(() => Store.WriteAsync(new MemoryStream(content), descriptor));

        Assert.Contains($"({content.Length + 1} bytes)", e.Message);
        Assert.Empty(_store.BlobFiles());
        Assert.Empty(_store.IngestFiles());
    }

    [Fact]
    public async Task WriteAsync_Sha512Digest_IsVerifiedWithSha512()
    {
        byte[] content = Encoding.UTF8.GetBytes("512");
        var digest = new Digest(Digest.Sha512, Convert.ToHexStringLower(SHA512.HashData(content)));

        BlobInfo blob = await Store.WriteAsync(new MemoryStream(content), digest);

        Assert.Equal(digest, blob.Digest);
        Assert.True(File.Exists(Path.Combine(_store.Root, "blobs", "sha512", digest.Encoded)));
    }

    [Fact]
    public async Task WriteAsync_SameBlobTwice_KeepsOneIntactCopy()
    {
        byte[] content = Encoding.UTF8.GetBytes("twice");
        await Store.WriteAsync(content);
        BlobInfo second = await Store.WriteAsync(content);

        Assert.Single(_store.BlobFiles());
        Assert.Equal(content, await Store.ReadAllBytesAsync(second.Digest));
    }

    [Fact]
    public async Task WriteAsync_AnnouncedBlobAlreadyStored_DoesNotReadTheStreamAgain()
    {
        byte[] content = Encoding.UTF8.GetBytes("stored once");
        BlobInfo first = await Store.WriteAsync(content);
        File.SetLastWriteTimeUtc(Store.GetBlobPath(first.Digest), DateTime.UtcNow.AddHours(-1));
        var source = new MemoryStream(content);

        BlobInfo second = await Store.WriteAsync(source, first.Digest);

        Assert.Equal(0, source.Position);
        Assert.True(DateTime.UtcNow - second.ModifiedUtc < TimeSpan.FromMinutes(5));
        Assert.True(DateTime.UtcNow - Store.GetInfo(first.Digest).ModifiedUtc < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task WriteAsync_BytesAlreadyStored_RefreshesTheBlobWithoutWritingAFile()
    {
        byte[] content = Encoding.UTF8.GetBytes("a config a rebuild makes again");
        BlobInfo first = await Store.WriteAsync(content);
        File.SetLastWriteTimeUtc(Store.GetBlobPath(first.Digest), DateTime.UtcNow.AddHours(-1));
        // Hashed before anything is written: a second write of stored bytes needs no temporary file, so it succeeds
        // even where none can be made.
        Directory.Delete(Store.IngestDirectory);
        await File.WriteAllTextAsync(Store.IngestDirectory, "not a directory");

        BlobInfo second = await Store.WriteAsync(content);

        Assert.Equal(first.Digest, second.Digest);
        Assert.True(DateTime.UtcNow - Store.GetInfo(first.Digest).ModifiedUtc < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task WriteAsync_Cancelled_LeavesNeitherBlobNorTemporaryFile()
    {
        using var cancellation = new CancellationTokenSource();
        var source = new CancellingStream(new byte[1 << 20], cancellation);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.WriteAsync(source, cancellation.Token));

        Assert.Empty(_store.BlobFiles());
        Assert.Empty(_store.IngestFiles());
    }

    [Fact]
    public void Enumerate_PartialWriteLeftInIngestByCrash_IsNotABlob()
    {
        byte[] content = Encoding.UTF8.GetBytes("half written");
        Digest digest = Digest.Sha256Of(content);
        Directory.CreateDirectory(Store.IngestDirectory);
        File.WriteAllBytes(Path.Combine(Store.IngestDirectory, $"{digest.Encoded[..16]}-1-x{ContentStore.PartialSuffix}"), content[..4]);

        Assert.Empty(Store.Enumerate());
        Assert.False(Store.Contains(digest));
        Assert.Throws<BlobNotFoundException>(() => Store.OpenRead(digest));
    }

    [Fact]
    public async Task Enumerate_StoredBlobs_ListsEachWithSizeAndSkipsStrayFiles()
    {
        BlobInfo a = await Store.WriteAsync(Encoding.UTF8.GetBytes("a"));
        BlobInfo b = await Store.WriteAsync(Encoding.UTF8.GetBytes("bb"));
        await File.WriteAllTextAsync(Path.Combine(Store.BlobsDirectory, "sha256", "not-a-digest"), "x");

        var listed = Store.Enumerate().Select(blob => (blob.Digest, blob.Size)).OrderBy(x => x.Size).ToArray();

        Assert.Equal([(a.Digest, 1L), (b.Digest, 2L)], listed);
    }

    [Fact]
    public void OpenRead_MissingBlob_ThrowsBlobNotFoundNamingDigest()
    {
        Digest digest = Digest.Sha256Of([1]);
        var e = Assert.Throws<BlobNotFoundException>(() => Store.OpenRead(digest));
        Assert.Equal(digest, e.Digest);
        Assert.Contains(digest.ToString(), e.Message);
    }

    [Fact]
    public async Task GetInfo_StoredBlob_ReportsSize()
    {
        BlobInfo written = await Store.WriteAsync(new byte[1234]);
        Assert.Equal(1234, Store.GetInfo(written.Digest).Size);
        Assert.Throws<BlobNotFoundException>(() => Store.GetInfo(Digest.Sha256Of([9])));
    }

    [Fact]
    public async Task Delete_StoredBlob_RemovesItOnce()
    {
        BlobInfo written = await Store.WriteAsync(new byte[] { 1, 2, 3 });

        Assert.True(Store.Delete(written.Digest));
        Assert.False(Store.Contains(written.Digest));
        Assert.False(Store.Delete(written.Digest));
    }

    [Fact]
    public async Task WriteAsync_ManyThreadsSameAndDifferentBlobs_AllSucceedIntact()
    {
        byte[] shared = RandomNumberGenerator.GetBytes(3 << 20);
        byte[][] distinct = Enumerable.Range(0, 8).Select(_ => RandomNumberGenerator.GetBytes(256 << 10)).ToArray();
        Digest sharedDigest = Digest.Sha256Of(shared);

        // The barrier releases every writer at once, so the writes of the shared blob overlap.
        using var barrier = new Barrier(16);
        Task[] writers = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            if (i % 2 == 0) await Store.WriteAsync(new MemoryStream(shared), sharedDigest);
            else await Store.WriteAsync(new MemoryStream(distinct[i / 2]), Digest.Sha256Of(distinct[i / 2]));
        })).ToArray();
        await Task.WhenAll(writers);

        Assert.Equal(shared, await Store.ReadAllBytesAsync(sharedDigest));
        foreach (byte[] blob in distinct)
            Assert.Equal(blob, await Store.ReadAllBytesAsync(Digest.Sha256Of(blob)));
        Assert.Equal(9, Store.Enumerate().Count());
        Assert.Empty(_store.IngestFiles());
    }

    /// <summary>Returns its content in small reads and cancels the token once the first read is done.</summary>
    private sealed class CancellingStream(byte[] content, CancellationTokenSource cancellation) : MemoryStream(content)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int read = Read(buffer.Span[..Math.Min(buffer.Length, 1024)]);
            cancellation.Cancel();
            return ValueTask.FromResult(read);
        }
    }
}
