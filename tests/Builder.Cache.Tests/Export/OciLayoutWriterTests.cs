using Builder.Cache.Export;
using Builder.Oci;
using Builder.Testing;

namespace Builder.Cache.Tests.Export;

public sealed class OciLayoutWriterTests : IDisposable
{
    private readonly ExportFixture _fixture = new();

    [Fact]
    public async Task WriteAsync_Image_SkopeoReadsItByTag()
    {
        string layout = _fixture.PathOf("layout");

        await OciLayoutWriter.WriteAsync(_fixture.Source, _fixture.Image("localhost/app:1"), layout, CancellationToken.None);

        string inspect = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", $"oci:{layout}:1"]);
        Assert.Contains($"\"Digest\": \"{_fixture.Manifest.Digest}\"", inspect, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Image_UmociUnpacksItsRootfs()
    {
        string layout = _fixture.PathOf("layout");
        string bundle = _fixture.PathOf("bundle");
        await OciLayoutWriter.WriteAsync(_fixture.Source, _fixture.Image("localhost/app:1"), layout, CancellationToken.None);

        ProcessRunner.Run(RequiredTool.Find("umoci", "umoci"), ["unpack", "--image", $"{layout}:1", bundle]);

        Assert.True(File.Exists(Path.Combine(bundle, "rootfs", "bin", "busybox")));
        Assert.Equal("busybox", new FileInfo(Path.Combine(bundle, "rootfs", "bin", "sh")).LinkTarget);
    }

    [Fact]
    public async Task WriteAsync_SecondNameIntoSameLayout_KeepsBothAndReplacesSameName()
    {
        string layout = _fixture.PathOf("layout");
        await OciLayoutWriter.WriteAsync(_fixture.Source, _fixture.Image("localhost/app:1"), layout, CancellationToken.None);
        await OciLayoutWriter.WriteAsync(_fixture.Source, _fixture.Image("localhost/app:2"), layout, CancellationToken.None);
        await OciLayoutWriter.WriteAsync(_fixture.Source, _fixture.Image("localhost/app:1"), layout, CancellationToken.None);

        var reader = new OciLayoutReader(layout);

        Assert.Equal(["localhost/app:1", "localhost/app:2"],
            reader.Index.Manifests.Select(m => m.Annotations[OciLayoutWriter.ImageNameAnnotation]).Order(StringComparer.Ordinal));
        Assert.Equal(_fixture.Manifest.Digest, reader.Find("2").Digest);
    }

    [Fact]
    public async Task WriteAsync_SourceBlobDamaged_FailsAndLeavesNoBlob()
    {
        string damaged = _fixture.PathOf("damaged");
        ProcessRunner.Run("cp", ["-r", Builder.Testing.Images.BusyboxImage.OciLayoutDirectory, damaged]);
        ImageManifest manifest = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(_fixture.Source, _fixture.Manifest.Digest));
        string layer = Path.Combine(damaged, "blobs", "sha256", manifest.Layers[0].Digest.Encoded);
        byte[] bytes = File.ReadAllBytes(layer);
        bytes[^10] ^= 0xff;
        File.WriteAllBytes(layer, bytes);
        string layout = _fixture.PathOf("layout");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            OciLayoutWriter.WriteAsync(new OciLayoutReader(damaged), _fixture.Image("localhost/app:1"), layout, CancellationToken.None));

        Assert.Contains(manifest.Layers[0].Digest.ToString(), error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(layout, "blobs", "sha256", manifest.Layers[0].Digest.Encoded)));
        Assert.Empty(Directory.GetFiles(Path.Combine(layout, "blobs", "sha256"), "*.tmp"));
    }

    public void Dispose() => _fixture.Dispose();
}
