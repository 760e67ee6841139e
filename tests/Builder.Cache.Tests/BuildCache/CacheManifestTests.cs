using Builder.Cache.BuildCache;
using Builder.Oci;

namespace Builder.Cache.Tests.BuildCache;

public sealed class CacheManifestTests
{
    private static Digest D(string text) => Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Config_RoundTrips_RecordsWithTimesAndWithout()
    {
        var records = new Dictionary<Digest, CacheRecord>
        {
            [D("k1")] = new CacheRecord(new Descriptor(MediaTypes.OciLayerGzip, D("l1"), 10), D("d1")) { Created = new DateTimeOffset(2026, 11, 23, 1, 2, 3, TimeSpan.Zero) },
            [D("k2")] = new CacheRecord(new Descriptor(MediaTypes.OciLayerGzip, D("l2"), 20), D("d2")),
        };

        IReadOnlyDictionary<Digest, CacheRecord> read = CacheManifest.DeserializeConfig(CacheManifest.SerializeConfig(records));

        static object Flat(KeyValuePair<Digest, CacheRecord> r) =>
            (r.Key, r.Value.Layer.MediaType, r.Value.Layer.Digest, r.Value.Layer.Size, r.Value.DiffId, r.Value.Created);
        Assert.Equal(records.OrderBy(r => r.Key.ToString()).Select(Flat), read.OrderBy(r => r.Key.ToString()).Select(Flat));
    }

    [Fact]
    public void Config_NotACacheConfig_IsAFormatError()
    {
        Assert.Throws<FormatException>(() => CacheManifest.DeserializeConfig("""{"architecture":"amd64"}"""u8));
    }
}
