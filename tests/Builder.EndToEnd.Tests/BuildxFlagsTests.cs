using System.Text.Json;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// The docker buildx build flags of issue 15, each on a real build with its buildx meaning: --add-host, --ulimit,
/// --shm-size, --annotation, --pull, -q, --iidfile, and RUN --network=host needing --allow network.host.
/// </summary>
public sealed class BuildxFlagsTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-buildx-flags-").FullName;
    private readonly string _base;

    public BuildxFlagsTests()
    {
        _base = _registry.SeedBusybox("library/busybox");
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private (int Status, string Out, string Err) Imgbuild(params string[] args) => ImgbuildIn("store", args);

    private (int Status, string Out, string Err) ImgbuildIn(string store, params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, store), .. args]);

    private string Context(string dockerfile) => TestContext.WithDockerfile(_root, dockerfile);

    private string Local(out string directory)
    {
        directory = Path.Combine(_root, "out-" + Guid.NewGuid().ToString("N")[..8]);
        return $"type=local,dest={directory}";
    }

    [Fact]
    public void AddHost_AddsTheLinesToEtcHostsOfRunSteps()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nRUN cat /etc/hosts > /hosts-seen\n");

        var build = Imgbuild("--add-host", "db:10.1.2.3", "--add-host", "Cache=[fd00::1]", "--output", Local(out string output), context);

        Assert.True(build.Status == 0, build.Err);
        // BuildKit's executor: the standard lines, then IP<TAB>HOST per entry (names lower-cased by its frontend).
        Assert.Equal("127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n10.1.2.3\tdb\nfd00::1\tcache\n",
            File.ReadAllText(Path.Combine(output, "hosts-seen")));
    }

    [Fact]
    public void Ulimit_SetsTheSoftAndHardLimitsOfRunSteps()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nRUN ulimit -Sn > /soft && ulimit -Hn > /hard\n");

        var build = Imgbuild("--ulimit", "nofile=1000:2000", "--output", Local(out string output), context);

        Assert.True(build.Status == 0, build.Err);
        Assert.Equal("1000\n", File.ReadAllText(Path.Combine(output, "soft")));
        Assert.Equal("2000\n", File.ReadAllText(Path.Combine(output, "hard")));
    }

    [Fact]
    public void ShmSize_SizesDevShmOfRunSteps()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nRUN df -k /dev/shm | tail -n 1 | awk '{{print $2}}' > /shm-kb\n");

        var sized = Imgbuild("--shm-size", "32m", "--output", Local(out string output), context);
        var plain = Imgbuild("--output", Local(out string defaultOutput), context);

        Assert.True(sized.Status == 0, sized.Err);
        Assert.True(plain.Status == 0, plain.Err);
        Assert.Equal("32768\n", File.ReadAllText(Path.Combine(output, "shm-kb")));    // 32m is 32 MiB, as docker reads it
        Assert.Equal("65536\n", File.ReadAllText(Path.Combine(defaultOutput, "shm-kb")));
    }

    [Fact]
    public void Annotation_IsInTheImageManifest_WithAndWithoutTheManifestPrefix()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nRUN echo hi > /hi\n");
        string archive = Path.Combine(_root, "annotated.oci.tar");

        var build = Imgbuild("--annotation", "org.opencontainers.image.title=plain", "--annotation", "manifest:org.example.team=builders",
            "--output", $"type=oci,dest={archive}", context);

        Assert.True(build.Status == 0, build.Err);
        string skopeo = RequiredTool.Find("skopeo", "skopeo");
        using JsonDocument manifest = JsonDocument.Parse(ProcessRunner.Run(skopeo, ["inspect", "--raw", $"oci-archive:{archive}"]));
        JsonElement annotations = manifest.RootElement.GetProperty("annotations");
        Assert.Equal("plain", annotations.GetProperty("org.opencontainers.image.title").GetString());
        Assert.Equal("builders", annotations.GetProperty("org.example.team").GetString());
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", manifest.RootElement.GetProperty("mediaType").GetString());
    }

    [Fact]
    public void Annotation_OfTheIndex_IsRefusedAsBuildKitRefusesItForOnePlatform()
    {
        string context = Context($"FROM {_base}\n");

        var build = Imgbuild("--annotation", "index:org.example.a=1", context);

        Assert.Equal(1, build.Status);
        Assert.Contains("index annotations not supported for single platform export", build.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void RunNetworkHost_WithoutTheEntitlement_IsRefusedAtItsLine_AndBuildsWithAllowOrNetworkHost()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nRUN echo first\nRUN --network=host echo on the host\n");

        var refused = Imgbuild("--output", Local(out _), context);
        var allowed = Imgbuild("--allow", "network.host", "--output", Local(out _), context);
        var hostNetwork = Imgbuild("--network", "host", "--output", Local(out _), context);

        Assert.Equal(1, refused.Status);
        Assert.Contains(":3:1: error IB1021: RUN --network=host needs the network.host entitlement", refused.Err, StringComparison.Ordinal);
        Assert.Contains("--allow network.host", refused.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("echo first", refused.Err, StringComparison.Ordinal);   // refused before any step ran
        Assert.True(allowed.Status == 0, allowed.Err);
        Assert.True(hostNetwork.Status == 0, hostNetwork.Err);
    }

    [Fact]
    public void QuietAndIidfile_GiveTheImageId_TheConfigDigest()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nRUN echo quiet > /q\n");
        string iid = Path.Combine(_root, "iid"), metadata = Path.Combine(_root, "metadata.json");

        var build = Imgbuild("-q", "-t", "quiet:1", "--iidfile", iid, "--metadata-file", metadata, context);

        Assert.True(build.Status == 0, build.Err);
        using JsonDocument written = JsonDocument.Parse(File.ReadAllText(metadata));
        string config = written.RootElement.GetProperty("containerimage.config.digest").GetString()!;
        Assert.Equal(config + "\n", build.Out.ReplaceLineEndings("\n"));
        Assert.Equal(config, File.ReadAllText(iid));
        Assert.NotEqual(config, written.RootElement.GetProperty("containerimage.digest").GetString());
        Assert.DoesNotContain("RUN echo quiet", build.Err, StringComparison.Ordinal);   // no progress
    }

    [Fact]
    public void Iidfile_FailedBuild_LeavesNoStaleId_AndLocalOutputIsRefused()
    {
        string iid = Path.Combine(_root, "iid");
        File.WriteAllText(iid, "sha256:stale");
        string broken = Context($"FROM {_base}\nCOPY missing-file /\n");

        var failed = Imgbuild("--iidfile", iid, "--output", "type=local,dest=" + Path.Combine(_root, "x"), broken);

        Assert.Equal(1, failed.Status);
        Assert.Contains("--iidfile cannot be used with --output type=local or type=tar", failed.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(iid));
    }

    [Fact]
    public void Pull_ResolvesTheBaseInTheRegistry_WhenTheStoreHasAnOlderImageOfTheTag()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nRUN cat /version > /seen 2>/dev/null || echo original > /seen\n");
        var first = Imgbuild("--output", Local(out string firstOutput), context);
        Assert.True(first.Status == 0, first.Err);
        Assert.Equal("original\n", File.ReadAllText(Path.Combine(firstOutput, "seen")));

        // Move the tag in the registry to a newer image, built and pushed from another store.
        string newer = Context($"FROM {_base}\nRUN echo newer > /version\n");
        var push = ImgbuildIn("pusher-store", "-t", _base, "--push", newer);
        Assert.True(push.Status == 0, push.Err);

        var cached = Imgbuild("--output", Local(out string cachedOutput), context);
        var pulled = Imgbuild("--pull", "--output", Local(out string pulledOutput), context);

        Assert.True(cached.Status == 0, cached.Err);
        Assert.True(pulled.Status == 0, pulled.Err);
        Assert.Equal("original\n", File.ReadAllText(Path.Combine(cachedOutput, "seen")));   // the store's image, as without --pull
        Assert.Equal("newer\n", File.ReadAllText(Path.Combine(pulledOutput, "seen")));      // the registry's
    }
}
