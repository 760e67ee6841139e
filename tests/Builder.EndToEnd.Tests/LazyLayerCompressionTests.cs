using System.Text.Json;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Oci;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// Issue 12, lazy layer blobs: a build for the local store writes its layers uncompressed, as BuildKit's Docker
/// worker does; compression happens once, when the image leaves the machine (save, push, an OCI output, a cache
/// export), and the compressed blobs are remembered so the next export sends the same ones without compressing.
/// </summary>
public sealed class LazyLayerCompressionTests : IDisposable
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];

    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-lazy-e2e-").FullName;
    private readonly string _context;

    public LazyLayerCompressionTests()
    {
        _context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        File.WriteAllText(Path.Combine(_context, "app.txt"), "lazy layers\n");
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), $"""
            FROM {_registry.SeedBusybox("library/busybox")}
            COPY app.txt /app/app.txt
            RUN dd if=/dev/urandom of=/app/data.bin bs=1024 count=256 2>/dev/null && echo built > /app/built.txt
            CMD ["cat", "/app/app.txt", "/app/built.txt"]
            """);
    }

    private string Store => Path.Combine(_root, "store");

    private ContentStore Content => new(Store);

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--root", Store, .. args]);

    private static bool IsGzip(ContentStore content, Digest digest)
    {
        using Stream blob = content.OpenRead(digest);
        byte[] magic = new byte[2];
        return blob.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic.AsSpan().SequenceEqual(GzipMagic);
    }

    private async Task<(ImageManifest Manifest, ImageConfig Config)> StoredAsync(string name)
    {
        ImageRecord record = await new ImageStore(Content).GetAsync(ImageReference.Parse(name));
        ImageManifest manifest = ManifestSerializer.DeserializeManifest(await Content.ReadAllBytesAsync(record.Target.Digest));
        return (manifest, ImageConfigSerializer.Deserialize(await Content.ReadAllBytesAsync(manifest.Config.Digest)));
    }

    [Fact]
    public async Task Build_ToLocalStore_StoresUncompressedLayersAndWritesNoGzipBlob()
    {
        RequiredTool.RequireRoot();

        var build = Imgbuild("-t", "lazy:1", _context);

        Assert.True(build.Status == 0, build.Err);
        (ImageManifest manifest, ImageConfig config) = await StoredAsync("lazy:1");
        Assert.Equal(MediaTypes.OciLayerGzip, manifest.Layers[0].MediaType);   // busybox, as pulled
        Assert.Equal(3, manifest.Layers.Length);
        Assert.All(manifest.Layers[1..], l => Assert.Equal(MediaTypes.OciLayerTar, l.MediaType));
        Assert.Equal(config.RootFs.DiffIds[1..], manifest.Layers[1..].Select(l => l.Digest));
        // The only gzip blob in the store is the pulled base layer.
        Assert.Equal([manifest.Layers[0].Digest], Content.Enumerate().Where(b => IsGzip(Content, b.Digest)).Select(b => b.Digest));
    }

    [Fact]
    public async Task Save_AfterLocalBuild_GzipsLayersDockerLoads_AndSecondSaveCompressesNothing()
    {
        RequiredTool.RequireRoot();
        string tag = $"imgbuild-e2e/lazy:{Guid.NewGuid():N}";
        string first = Path.Combine(_root, "first.tar"), second = Path.Combine(_root, "second.tar");
        Assert.Equal(0, Imgbuild("-t", tag, _context).Status);
        (_, ImageConfig stored) = await StoredAsync(tag);

        var save = Imgbuild("save", tag, "-o", first);
        int blobs = Content.Enumerate().Count();
        var again = Imgbuild("save", tag, "-o", second);

        Assert.True(save.Status == 0, save.Err);
        Assert.True(again.Status == 0, again.Err);
        Assert.Equal(blobs, Content.Enumerate().Count());
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        string layout = Path.Combine(_root, "saved");
        Directory.CreateDirectory(layout);
        ProcessRunner.Run("tar", ["-xf", first, "-C", layout]);
        string raw = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--raw", $"oci:{layout}"]);
        ImageManifest saved = ManifestSerializer.DeserializeManifest(System.Text.Encoding.UTF8.GetBytes(raw));
        Assert.All(saved.Layers, l => Assert.Equal(MediaTypes.OciLayerGzip, l.MediaType));
        Assert.Equal<Digest>(stored.RootFs.DiffIds, ImageConfigSerializer.Deserialize(File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", saved.Config.Digest.Encoded))).RootFs.DiffIds);
        try
        {
            DockerEngine.Run("load", "-i", first);
            Assert.Equal("lazy layers\nbuilt\n", DockerEngine.Run("run", "--rm", "--network=none", tag));
        }
        finally
        {
            DockerEngine.Run("rmi", "--force", tag);
        }
    }

    [Fact]
    public void OutputOciLayout_AfterLocalBuild_UmociAndSkopeoRead_AndSecondExportMakesNoBlob()
    {
        RequiredTool.RequireRoot();
        string layout = Path.Combine(_root, "layout"), again = Path.Combine(_root, "layout-again");
        Assert.Equal(0, Imgbuild("-t", "lazy:1", _context).Status);

        // Every step is cached: the layers are the uncompressed ones of the first build, compressed for the layout.
        var export = Imgbuild("--progress", "plain", "--output", $"type=oci-layout,dest={layout},name=lazy:1", _context);
        int blobs = Content.Enumerate().Count();
        var second = Imgbuild("--progress", "plain", "--output", $"type=oci-layout,dest={again},name=lazy:1", _context);

        Assert.True(export.Status == 0, export.Err);
        Assert.True(second.Status == 0, second.Err);
        Assert.Contains("compressed 2 layers for export, 0 already compressed", export.Err, StringComparison.Ordinal);
        Assert.Contains("compressed 0 layers for export, 2 already compressed", second.Err, StringComparison.Ordinal);
        Assert.Equal(blobs, Content.Enumerate().Count());
        string raw = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--raw", $"oci:{layout}:1"]);
        Assert.All(ManifestSerializer.DeserializeManifest(System.Text.Encoding.UTF8.GetBytes(raw)).Layers, l => Assert.Equal(MediaTypes.OciLayerGzip, l.MediaType));
        Assert.Equal(raw, ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--raw", $"oci:{again}:1"]));
        string rootfs = Path.Combine(_root, "rootfs");
        ProcessRunner.Run(RequiredTool.Find("umoci", "umoci"), ["raw", "unpack", "--image", $"{layout}:1", rootfs]);
        Assert.Equal("built\n", File.ReadAllText(Path.Combine(rootfs, "app", "built.txt")));
    }

    [Fact]
    public void OciOutput_ReusingLayersALocalBuildCached_PrintsTheDigestItExports()
    {
        RequiredTool.RequireRoot();
        string archive = Path.Combine(_root, "image.oci.tar"), layout = Path.Combine(_root, "from-archive");
        Assert.Equal(0, Imgbuild("-t", "lazy:1", _context).Status);

        // Every step is cached with an uncompressed layer; the build whose output leaves the machine compresses them
        // before it writes the image, so the digest it prints (and records) is the digest of what it exported.
        var export = Imgbuild("--output", $"type=oci,dest={archive},name=lazy:2", _context);

        Assert.True(export.Status == 0, export.Err);
        ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["copy", $"oci-archive:{archive}", $"oci:{layout}:2"]);
        string raw = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--raw", $"oci:{layout}:2"]);
        Assert.Equal(export.Out.Trim(), Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(raw)).ToString());
    }

    [Fact]
    public void Push_AfterLocalBuild_RegistryGetsGzipLayers_AndSecondPushCompressesNothing()
    {
        RequiredTool.RequireRoot();
        string name = $"{_registry.Host}/lazy/app:1", other = $"{_registry.Host}/lazy/other:1";
        Assert.Equal(0, Imgbuild("-t", name, "-t", other, _context).Status);

        var push = Imgbuild("push", name);
        int blobs = Content.Enumerate().Count();
        var second = Imgbuild("push", other);

        Assert.True(push.Status == 0, push.Err);
        Assert.True(second.Status == 0, second.Err);
        Assert.Equal(blobs, Content.Enumerate().Count());
        string skopeo = RequiredTool.Find("skopeo", "skopeo");
        string raw = ProcessRunner.Run(skopeo, ["inspect", "--raw", "--tls-verify=false", $"docker://{name}"]);
        Assert.All(ManifestSerializer.DeserializeManifest(System.Text.Encoding.UTF8.GetBytes(raw)).Layers, l => Assert.Equal(MediaTypes.OciLayerGzip, l.MediaType));
        Assert.Equal(raw, ProcessRunner.Run(skopeo, ["inspect", "--raw", "--tls-verify=false", $"docker://{other}"]));
        string inspect = ProcessRunner.Run(skopeo, ["inspect", "--tls-verify=false", $"docker://{name}"]);
        using JsonDocument parsed = JsonDocument.Parse(inspect);
        Assert.Equal(3, parsed.RootElement.GetProperty("Layers").GetArrayLength());
    }

    [Fact]
    public void LocalCacheExport_FromLazyBuild_HasGzipLayers_AndAFreshStoreGetsTheSameImage()
    {
        RequiredTool.RequireRoot();
        string cache = Path.Combine(_root, "cache");

        var first = Imgbuild("--cache-to", $"type=local,dest={cache}", _context);
        var second = InProcessImgbuild.Run("--root", Path.Combine(_root, "store-b"), "--progress", "plain", "--cache-from", $"type=local,src={cache}", _context);

        Assert.True(first.Status == 0, first.Err);
        Assert.True(second.Status == 0, second.Err);
        string raw = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--raw", $"oci:{cache}:latest"]);
        ImageManifest exported = ManifestSerializer.DeserializeManifest(System.Text.Encoding.UTF8.GetBytes(raw));
        Assert.Equal(2, exported.Layers.Length);
        Assert.All(exported.Layers, l => Assert.Equal(MediaTypes.OciLayerGzip, l.MediaType));
        Assert.All(ProgressSteps.Parse(second.Err).Where(s => s.Instruction.StartsWith("RUN", StringComparison.Ordinal) || s.Instruction.StartsWith("COPY", StringComparison.Ordinal)),
            s => Assert.True(s.Cached, $"{s.Instruction} ran again with the cache imported"));
        // The imported layers are stored as the first store stored them: the same manifest.
        Assert.Equal(first.Out, second.Out);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
