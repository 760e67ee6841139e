using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Builder.Testing;
using Builder.Testing.Images;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// Issue 16's cross and multi-platform builds, read back with skopeo: <c>--platform linux/arm64</c> on this amd64
/// machine takes the arm64 base from an index and gives an arm64 image; <c>--platform linux/amd64,linux/arm64</c>
/// gives an image index with one manifest per platform, pushed or written as an OCI archive; a RUN that would need
/// emulation fails before anything runs; TARGETARCH differs per platform.
/// </summary>
public sealed class MultiPlatformBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-multi-platform-").FullName;
    private readonly string _base;

    public MultiPlatformBuildTests()
    {
        _base = _registry.SeedMultiPlatform("library/multi");
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private (int Status, string Out, string Err) Imgbuild(params string[] args) => InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args]);

    private string Context(string dockerfile)
    {
        string context = TestContext.WithDockerfile(_root, dockerfile);
        File.WriteAllText(Path.Combine(context, "hello.txt"), "hello\n");
        return context;
    }

    private static JsonElement Skopeo(params string[] args) =>
        JsonDocument.Parse(ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), args)).RootElement.Clone();

    private static string[] Platforms(JsonElement index) =>
        [.. index.GetProperty("manifests").EnumerateArray().Select(m => $"{m.GetProperty("platform").GetProperty("os").GetString()}/{m.GetProperty("platform").GetProperty("architecture").GetString()}")];

    [Fact]
    public void PlatformArm64_CopyOnly_GivesAnArm64ManifestOverTheArm64BaseLayers()
    {
        RequiredTool.RequireRoot();
        string name = $"{_registry.Host}/app/cross:arm64";
        var build = Imgbuild("--platform", "linux/arm64", "-t", name, "--push", Context($"FROM {_base}\nCOPY hello.txt /hello.txt\n"));

        Assert.True(build.Status == 0, build.Err);
        JsonElement manifest = Skopeo("inspect", "--raw", "--tls-verify=false", $"docker://{name}");
        string[] layers = [.. manifest.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!)];
        Assert.Equal(MultiPlatformBaseImage.Arm64LayerDigests, layers[..^1]);
        Assert.Equal(MultiPlatformBaseImage.Arm64LayerDigests.Count + 1, layers.Length);
        JsonElement config = Skopeo("inspect", "--config", "--raw", "--tls-verify=false", $"docker://{name}");
        Assert.Equal(("linux", "arm64"), (config.GetProperty("os").GetString(), config.GetProperty("architecture").GetString()));
    }

    [Fact]
    public void PlatformArm64_AfterANativeBuildNamedTheBaseInTheStore_StillTakesTheArm64Base()
    {
        RequiredTool.RequireRoot();
        // The native build unpacks the base and names it in the store: that name holds the amd64 image only.
        var native = Imgbuild(Context($"FROM {_base}\nRUN echo native > /native\n"));
        Assert.True(native.Status == 0, native.Err);
        string name = $"{_registry.Host}/app/cross:after-native";

        var cross = Imgbuild("--platform", "linux/arm64", "-t", name, "--push", Context($"FROM {_base}\nCOPY hello.txt /hello.txt\n"));

        Assert.True(cross.Status == 0, cross.Err);
        JsonElement manifest = Skopeo("inspect", "--raw", "--tls-verify=false", $"docker://{name}");
        Assert.Equal(MultiPlatformBaseImage.Arm64LayerDigests[0], manifest.GetProperty("layers")[0].GetProperty("digest").GetString());
    }

    [Fact]
    public void TwoPlatforms_Push_GivesAnIndexWithTwoManifests()
    {
        RequiredTool.RequireRoot();
        string name = $"{_registry.Host}/app/multi:1";
        string metadata = Path.Combine(_root, "metadata.json");
        var build = Imgbuild("--platform", "linux/amd64,linux/arm64", "-t", name, "--push", "--metadata-file", metadata, Context($"FROM {_base}\nCOPY hello.txt /hello.txt\n"));

        Assert.True(build.Status == 0, build.Err);
        JsonElement index = Skopeo("inspect", "--raw", "--tls-verify=false", $"docker://{name}");
        Assert.Equal("application/vnd.oci.image.index.v1+json", index.GetProperty("mediaType").GetString());
        // As buildx: the metadata names the index, and has no config digest (an index has none).
        JsonElement written = JsonDocument.Parse(File.ReadAllText(metadata)).RootElement;
        Assert.Equal("application/vnd.oci.image.index.v1+json", written.GetProperty("containerimage.descriptor").GetProperty("mediaType").GetString());
        Assert.False(written.TryGetProperty("containerimage.config.digest", out _));
        Assert.Equal(["linux/amd64", "linux/arm64"], Platforms(index));
        // Each manifest is its platform's: the arm64 one's config says arm64, over the arm64 base's layers.
        JsonElement arm64 = Skopeo("inspect", "--raw", "--tls-verify=false", "--override-arch", "arm64",
            $"docker://{_registry.Host}/app/multi@{index.GetProperty("manifests")[1].GetProperty("digest").GetString()}");
        Assert.Equal(MultiPlatformBaseImage.Arm64LayerDigests[0], arm64.GetProperty("layers")[0].GetProperty("digest").GetString());
    }

    [Fact]
    public void TwoPlatforms_OciOutput_GivesAnIndexWithTwoManifests()
    {
        RequiredTool.RequireRoot();
        string archive = Path.Combine(_root, "multi.tar");
        var build = Imgbuild("--platform", "linux/amd64,linux/arm64", "--output", $"type=oci,dest={archive}", Context($"FROM {_base}\nCOPY hello.txt /hello.txt\n"));

        Assert.True(build.Status == 0, build.Err);
        JsonElement index = Skopeo("inspect", "--raw", $"oci-archive:{archive}");
        Assert.Equal("application/vnd.oci.image.index.v1+json", index.GetProperty("mediaType").GetString());
        Assert.Equal(["linux/amd64", "linux/arm64"], Platforms(index));
    }

    [Fact]
    public void TwoPlatforms_TargetArchOfEachPlatform_InItsImage()
    {
        RequiredTool.RequireRoot();
        // The build stage runs natively (FROM --platform=$BUILDPLATFORM), once per target platform, as a cross compiler would.
        string dockerfile = $"FROM --platform=$BUILDPLATFORM {_base} AS build\nARG TARGETARCH\nARG BUILDARCH\nRUN echo \"$TARGETARCH built on $BUILDARCH\" > /arch\n" +
                            $"FROM {_base}\nCOPY --from=build /arch /arch\n";
        string layout = Path.Combine(_root, "layout");
        var build = Imgbuild("--platform", "linux/amd64,linux/arm64", "--output", $"type=oci,tar=false,dest={layout}", Context(dockerfile));

        Assert.True(build.Status == 0, build.Err);
        JsonElement index = Skopeo("inspect", "--raw", $"oci:{layout}");
        string[] arches = [.. index.GetProperty("manifests").EnumerateArray().Select(m => LastLayerFile(layout, m.GetProperty("digest").GetString()!, "arch"))];
        Assert.Equal(["amd64 built on amd64\n", "arm64 built on amd64\n"], arches);
    }

    [Fact]
    public void PlatformArm64_Run_FailsBeforeRunningNamingTheLine()
    {
        RequiredTool.RequireRoot();
        var build = Imgbuild("--platform", "linux/arm64", Context($"FROM {_base}\nRUN echo hi > /ran\n"));

        Assert.Equal(1, build.Status);
        Assert.Contains("Dockerfile:2", build.Err, StringComparison.Ordinal);
        Assert.Contains("not supported yet: RUN for linux/arm64 needs emulation", build.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("[2/2] RUN", build.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoPlatforms_Load_FailsAsBuildxDoes()
    {
        RequiredTool.RequireRoot();
        var build = Imgbuild("--platform", "linux/amd64,linux/arm64", "--output", $"type=docker,dest={Path.Combine(_root, "d.tar")}",
            Context($"FROM {_base}\nCOPY hello.txt /hello.txt\n"));

        Assert.Equal(1, build.Status);
        Assert.Contains("docker exporter does not currently support exporting manifest lists", build.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoPlatforms_LocalStore_NameIsTheIndexAndPushes()
    {
        RequiredTool.RequireRoot();
        var build = Imgbuild("--platform", "linux/amd64,linux/arm64", "-t", "app/local:1", Context($"FROM {_base}\nCOPY hello.txt /hello.txt\n"));
        Assert.True(build.Status == 0, build.Err);

        var inspect = Imgbuild("inspect", "app/local:1");
        Assert.True(inspect.Status == 0, inspect.Err);
        JsonElement stored = JsonDocument.Parse(inspect.Out).RootElement;
        Assert.Equal(["linux/amd64", "linux/arm64"], Platforms(stored.GetProperty("index")));
        var listed = Imgbuild("images");
        Assert.True(listed.Status == 0, listed.Err);
        Assert.Contains("app/local", listed.Out, StringComparison.Ordinal);
        string saved = Path.Combine(_root, "saved.tar");
        var save = Imgbuild("save", "app/local:1", "--format", "oci", "-o", saved);
        Assert.True(save.Status == 0, save.Err);
        Assert.Equal(["linux/amd64", "linux/arm64"], Platforms(Skopeo("inspect", "--raw", $"oci-archive:{saved}")));

        string pushed = $"{_registry.Host}/app/local:1";
        var tag = Imgbuild("tag", "app/local:1", pushed);
        Assert.True(tag.Status == 0, tag.Err);
        var push = Imgbuild("push", pushed);
        Assert.True(push.Status == 0, push.Err);
        Assert.Equal(["linux/amd64", "linux/arm64"], Platforms(Skopeo("inspect", "--raw", "--tls-verify=false", $"docker://{pushed}")));
    }

    [Fact]
    public void Compose_PlatformList_PushesAnIndexPerService()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nCOPY hello.txt /hello.txt\n");
        File.WriteAllText(Path.Combine(context, "compose.yaml"),
            $"services:\n  web:\n    build: .\n    image: {_registry.Host}/app/web:1\n  api:\n    build: .\n    image: {_registry.Host}/app/api:1\n");

        var build = Imgbuild("compose", "-f", Path.Combine(context, "compose.yaml"), "--platform", "linux/amd64,linux/arm64", "--push");

        Assert.True(build.Status == 0, build.Err);
        foreach (string service in new[] { "web", "api" })
            Assert.Equal(["linux/amd64", "linux/arm64"], Platforms(Skopeo("inspect", "--raw", "--tls-verify=false", $"docker://{_registry.Host}/app/{service}:1")));
    }

    [Fact]
    public void Compose_BuildPlatformsInTheFile_PushesAnIndex_AndDifferentListsAreRefused()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nCOPY hello.txt /hello.txt\n");
        File.WriteAllText(Path.Combine(context, "compose.yaml"),
            $"services:\n  web:\n    build:\n      context: .\n      platforms: [linux/amd64, linux/arm64]\n    image: {_registry.Host}/app/web:2\n" +
            "  odd:\n    profiles: [odd]\n    build:\n      context: .\n      platforms: [linux/arm64]\n");

        var build = Imgbuild("compose", "-f", Path.Combine(context, "compose.yaml"), "--push", "web");
        var refused = Imgbuild("compose", "-f", Path.Combine(context, "compose.yaml"), "web", "odd");

        Assert.True(build.Status == 0, build.Err);
        Assert.Equal(["linux/amd64", "linux/arm64"], Platforms(Skopeo("inspect", "--raw", "--tls-verify=false", $"docker://{_registry.Host}/app/web:2")));
        Assert.Equal(1, refused.Status);
        Assert.Contains("not supported yet: services built for different platforms (linux/amd64,linux/arm64; linux/arm64)", refused.Err, StringComparison.Ordinal);
    }

    // The content of a file in a manifest's last layer, from an OCI layout.
    private static string LastLayerFile(string layout, string manifestDigest, string file)
    {
        string Blob(string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);
        JsonElement manifest = JsonDocument.Parse(File.ReadAllBytes(Blob(manifestDigest))).RootElement;
        JsonElement layer = manifest.GetProperty("layers").EnumerateArray().Last();
        using Stream blob = File.OpenRead(Blob(layer.GetProperty("digest").GetString()!));
        using Stream tar = layer.GetProperty("mediaType").GetString()!.EndsWith("gzip", StringComparison.Ordinal) ? new GZipStream(blob, CompressionMode.Decompress) : blob;
        using var reader = new TarReader(tar);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') == file && entry.DataStream is { } data) return new StreamReader(data).ReadToEnd();
        }
        throw new InvalidOperationException($"{file} is not in the last layer of {manifestDigest}");
    }
}
