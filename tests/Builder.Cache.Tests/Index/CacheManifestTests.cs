using Builder.Cache.Index;
using Builder.Oci;

namespace Builder.Cache.Tests.Index;

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

    [Theory]
    [InlineData("type=registry,ref=reg:5000/ci/cache:main,mode=max", CacheLocationType.Registry, "reg:5000/ci/cache:main", CacheExportMode.Max)]
    [InlineData("type=local,dest=/tmp/cache", CacheLocationType.Local, "/tmp/cache", CacheExportMode.Min)]
    [InlineData("reg:5000/ci/cache:main", CacheLocationType.Registry, "reg:5000/ci/cache:main", CacheExportMode.Min)]
    public void Spec_Parse_ReadsBuildxSyntax(string text, CacheLocationType type, string location, CacheExportMode mode)
    {
        CacheSpec spec = CacheSpec.Parse(text, export: true);

        Assert.Equal((type, location, mode), (spec.Type, spec.Location, spec.Mode));
    }

    [Theory]
    [InlineData("type=gha", "type=gha is not supported yet")]
    [InlineData("type=registry", "needs ref=")]
    [InlineData("type=local,src=/x", "needs dest=")]
    [InlineData("type=registry,ref=r/c,mode=all", "mode=all")]
    [InlineData("type=registry,ref=r/c,unknown=1", "option 'unknown' is not supported yet")]
    public void Spec_Parse_BadValues_SayWhatIsWrong(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => CacheSpec.Parse(text, export: true));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
