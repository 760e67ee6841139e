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

    [Fact]
    public void Config_WithCacheMounts_RoundTripsThemBesideTheRecords()
    {
        var records = new Dictionary<Digest, CacheRecord> { [D("k1")] = new CacheRecord(new Descriptor(MediaTypes.OciLayerGzip, D("l1"), 10), D("d1")) };
        CacheMountRecord[] mounts =
        [
            new("/root/.nuget/packages", new Descriptor(MediaTypes.OciLayerGzip, D("m2"), 30), D("md2")),
            new("apt", new Descriptor(MediaTypes.OciLayerGzip, D("m1"), 20), D("md1")),
        ];

        byte[] config = CacheManifest.SerializeConfig(records, mounts);

        static object Flat(CacheMountRecord m) => (m.Id, m.Layer.MediaType, m.Layer.Digest, m.Layer.Size, m.DiffId);
        Assert.Equal(mounts.OrderBy(m => m.Id, StringComparer.Ordinal).Select(Flat), CacheManifest.DeserializeCacheMounts(config).Select(Flat));
        Assert.Single(CacheManifest.DeserializeConfig(config));
    }

    [Fact]
    public void Config_WithoutCacheMounts_KeepsItsBytesAndReadsNoMounts()
    {
        var records = new Dictionary<Digest, CacheRecord> { [D("k1")] = new CacheRecord(new Descriptor(MediaTypes.OciLayerGzip, D("l1"), 10), D("d1")) };

        byte[] config = CacheManifest.SerializeConfig(records, []);

        Assert.Equal(CacheManifest.SerializeConfig(records), config);
        Assert.DoesNotContain("cacheMounts", System.Text.Encoding.UTF8.GetString(config), StringComparison.Ordinal);
        Assert.Empty(CacheManifest.DeserializeCacheMounts(config));
    }
}
