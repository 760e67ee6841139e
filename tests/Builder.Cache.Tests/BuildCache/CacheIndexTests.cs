using Builder.Cache.BuildCache;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cache.Tests.BuildCache;

public sealed class CacheIndexTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-cache-index-test-").FullName;
    private readonly ImageStore _images;
    private readonly CacheIndex _index;

    public CacheIndexTests()
    {
        _images = new ImageStore(new ContentStore(_root));
        _index = new CacheIndex(_images);
    }

    private static Digest Key(string step) => Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(step));

    private async Task<CacheRecord> StoredLayerAsync()
    {
        Descriptor layer = await _images.Content.WriteAsync(MediaTypes.OciLayerGzip, new byte[] { 0x1f, 0x8b, 9 });
        return new CacheRecord(layer, Digest.Sha256Of("tar"u8));
    }

    [Fact]
    public async Task Find_KeepsTheCreationTime()
    {
        CacheRecord record = await StoredLayerAsync() with { Created = new DateTimeOffset(2026, 11, 23, 1, 2, 3, 456, TimeSpan.Zero) };

        await _index.AddAsync(Key("RUN dated"), record, CancellationToken.None);

        Assert.Equal(record.Created, _index.Find(Key("RUN dated"))?.Created);
    }

    [Fact]
    public void CacheEntry_WrittenBeforeTheTimeField_ReadsWithoutATime()
    {
        // [mediaType, layer, size, diffID]: the four-field form of the first version.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePack.MessagePackWriter(buffer);
        writer.WriteArrayHeader(4);
        writer.Write(MediaTypes.OciLayerGzip);
        writer.Write("sha256:" + new string('a', 64));
        writer.Write(3L);
        writer.Write("sha256:" + new string('b', 64));
        writer.Flush();

        CacheEntry entry = CacheEntry.Deserialize(buffer.WrittenMemory);

        Assert.Equal((3L, 0L), (entry.Size, entry.CreatedTicks));
        Assert.Equal(entry, CacheEntry.Deserialize(entry.Serialize()));
    }

    [Fact]
    public async Task Find_AfterAdd_ReturnsTheRecordAndItsLayerIsAGcRoot()
    {
        CacheRecord record = await StoredLayerAsync();

        await _index.AddAsync(Key("RUN make"), record, CancellationToken.None);

        CacheRecord? found = _index.Find(Key("RUN make"));
        Assert.Equal((record.Layer.MediaType, record.Layer.Digest, record.Layer.Size, record.DiffId),
            (found?.Layer.MediaType, found?.Layer.Digest, found?.Layer.Size, found?.DiffId));
        Assert.Contains(record.Layer.Digest, (await _images.ListRootsAsync()).Values);
    }

    [Fact]
    public void Find_UnknownKey_IsNull() => Assert.Null(_index.Find(Key("never built")));

    [Fact]
    public async Task Find_LayerBlobGone_IsAMiss()
    {
        CacheRecord record = await StoredLayerAsync();
        await _index.AddAsync(Key("RUN make"), record, CancellationToken.None);

        _images.Content.Delete(record.Layer.Digest);

        Assert.Null(_index.Find(Key("RUN make")));
    }

    [Fact]
    public async Task Find_DamagedEntry_IsAMiss()
    {
        await _index.AddAsync(Key("RUN make"), await StoredLayerAsync(), CancellationToken.None);
        File.WriteAllBytes(Path.Combine(_root, "cache", Key("RUN make").Encoded), [0xc1, 0x00, 0xff]);

        Assert.Null(_index.Find(Key("RUN make")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
