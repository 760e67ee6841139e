using System.Collections.Immutable;
using System.Text;
using Builder.Oci;
using Builder.Testing.Images;

namespace Builder.Cache.Tests.Oci;

public sealed class ManifestSerializerTests
{
    private static readonly Digest A = Digest.Sha256Of("a"u8);
    private static readonly Digest B = Digest.Sha256Of("b"u8);

    [Fact]
    public void Serialize_ManifestWrittenByGnuToolsFixture_RoundTripsToSameBytes()
    {
        string blobs = Path.Combine(BusyboxImage.OciLayoutDirectory, "blobs", "sha256");
        byte[] written = File.ReadAllBytes(Path.Combine(blobs, Digest.Parse(BusyboxImage.ManifestDigest).Encoded));

        ImageManifest manifest = ManifestSerializer.DeserializeManifest(written);

        Assert.Equal(Encoding.UTF8.GetString(written), Encoding.UTF8.GetString(ManifestSerializer.Serialize(manifest)));
        Assert.Single(manifest.Layers);
        Assert.Equal(MediaTypes.OciLayerGzip, manifest.Layers[0].MediaType);
    }

    [Fact]
    public void Serialize_Index_WritesPlatformAndSortedAnnotations()
    {
        var index = new ImageIndex(MediaTypes.OciIndex,
        [
            new Descriptor(MediaTypes.OciManifest, A, 10)
            {
                Platform = new Platform("linux", "arm", "v7"),
                Annotations = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                    [new KeyValuePair<string, string>("z", "1"), new KeyValuePair<string, string>("a", "2")]),
            },
        ]);

        string json = Encoding.UTF8.GetString(ManifestSerializer.Serialize(index));

        Assert.Equal(
            $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{A}}}","size":10,"annotations":{"a":"2","z":"1"},"platform":{"architecture":"arm","os":"linux","variant":"v7"}}]}""",
            json);
        Assert.Equal(index.Manifests[0].Platform, ManifestSerializer.DeserializeIndex(Encoding.UTF8.GetBytes(json)).Manifests[0].Platform);
    }

    [Fact]
    public void Serialize_DockerManifest_KeepsDockerMediaTypes()
    {
        var manifest = new ImageManifest(MediaTypes.DockerManifest,
            new Descriptor(MediaTypes.DockerConfig, A, 1), [new Descriptor(MediaTypes.DockerLayerGzip, B, 2)]);

        ImageManifest read = ManifestSerializer.DeserializeManifest(ManifestSerializer.Serialize(manifest));

        Assert.True(read.IsDocker);
        Assert.Equal(MediaTypes.DockerConfig, read.Config.MediaType);
        Assert.Equal(MediaTypes.DockerLayerGzip, read.Layers[0].MediaType);
    }

    [Theory]
    [InlineData("""{"schemaVersion":1,"name":"x"}""", "schemaVersion 2")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", "expected an image manifest")]
    [InlineData("""{"schemaVersion":2,"layers":[]}""", "no 'config'")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:12","size":1}}""", "not a valid digest")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"schemaVersion":2,""", "not valid JSON")]
    public void DeserializeManifest_BadDocument_FailsWithReason(string json, string reason)
    {
        var error = Assert.Throws<FormatException>(() => ManifestSerializer.DeserializeManifest(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}""", MediaTypes.DockerManifestList)]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", MediaTypes.OciIndex)]
    [InlineData("""{"schemaVersion":2,"config":{}}""", MediaTypes.OciManifest)]
    public void DetectMediaType_Document_NamesItsKind(string json, string expected) =>
        Assert.Equal(expected, ManifestSerializer.DetectMediaType(Encoding.UTF8.GetBytes(json)));
}
