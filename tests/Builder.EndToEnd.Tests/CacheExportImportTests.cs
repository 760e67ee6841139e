using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// --cache-to and --cache-from as a CI pipeline uses them: one store builds, pushes and exports its cache; a fresh
/// store imports it, finds every step cached and gives the same digest, fetching only the layers it must. The bytes
/// that cross the wire are counted by the registry's own access log.
/// </summary>
public sealed class CacheExportImportTests : IDisposable
{
    private readonly RegistryServer _registry = new(accessLog: true);
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-cache-e2e-").FullName;
    private readonly string _context;

    public CacheExportImportTests()
    {
        _context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        File.WriteAllText(Path.Combine(_context, "main.c"), "int main(void) { return 0; }\n");
        File.WriteAllText(Path.Combine(_context, "README.md"), "readme\n");
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), $"""
            FROM {_registry.SeedBusybox("library/busybox")} AS build
            WORKDIR /src
            COPY main.c .
            RUN dd if=/dev/urandom of=/src/big.bin bs=1024 count=512 2>/dev/null && md5sum main.c > built.txt

            FROM {_registry.Host}/library/busybox:latest
            COPY --from=build /src/built.txt /app/built.txt
            RUN dd if=/dev/urandom of=/app/data.bin bs=1024 count=256 2>/dev/null
            COPY README.md /app/
            """);
    }

    private (int Status, string Out, string Err) Imgbuild(string store, params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, store), "--progress", "plain", .. args, _context]);

    [Fact]
    public void RegistryCacheModeMax_FreshStore_EveryStepCachedSameDigest_NothingDownloaded()
    {
        RequiredTool.RequireRoot();
        string cache = $"type=registry,ref={_registry.Host}/ci/cache:main,mode=max";

        var first = Imgbuild("store-a", "-t", $"{_registry.Host}/ci/app:1", "--push", "--cache-to", cache);
        Assert.True(first.Status == 0, first.Err);
        int before = _registry.BlobDownloads().Count;

        var second = Imgbuild("store-b", "-t", $"{_registry.Host}/ci/app:2", "--push", "--cache-from", cache);

        Assert.True(second.Status == 0, second.Err);
        Assert.Equal(first.Out, second.Out);
        var steps = ProgressSteps.Parse(second.Err).Where(s => s.Instruction.StartsWith("RUN", StringComparison.Ordinal) || s.Instruction.StartsWith("COPY", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, steps.Count);
        Assert.All(steps, s => Assert.True(s.Cached, $"{s.Instruction} ran again with the cache imported"));
        // Every layer is already in the target repository: the push skips them, and no layer is downloaded; only the
        // base image's config and the cache's config are read.
        var downloads = _registry.BlobDownloads().Skip(before).ToList();
        Assert.True(downloads.Count <= 2 && downloads.Sum(d => d.Bytes) < 16 * 1024,
            $"{downloads.Count} blobs, {downloads.Sum(d => d.Bytes)} bytes downloaded for a fully cached build");
        Assert.Contains("fetched 0 layer blobs (0 bytes)", second.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void RegistryCache_OneSourceFileChanged_OnlyItsStepsRun_AndOnlyTheLayersTheyNeedAreFetched()
    {
        RequiredTool.RequireRoot();
        string cache = $"type=registry,ref={_registry.Host}/ci/cache:edit,mode=max";
        Assert.Equal(0, Imgbuild("store-a", "-t", $"{_registry.Host}/ci/app:edit1", "--push", "--cache-to", cache).Status);
        File.WriteAllText(Path.Combine(_context, "README.md"), "changed readme\n");
        int before = _registry.BlobDownloads().Count;

        var rebuild = Imgbuild("store-b", "-t", $"{_registry.Host}/ci/app:edit2", "--push", "--cache-from", cache, "--cache-to", cache);

        Assert.True(rebuild.Status == 0, rebuild.Err);
        var steps = ProgressSteps.Parse(rebuild.Err).ToDictionary(s => s.Instruction, s => s.Cached);
        Assert.True(steps["RUN dd if=/dev/urandom of=/src/big.bin bs=1024 count=512 2>/dev/null && md5sum main.c > built.txt"]);
        Assert.True(steps["RUN dd if=/dev/urandom of=/app/data.bin bs=1024 count=256 2>/dev/null"]);
        Assert.False(steps["COPY README.md /app/"]);
        // The COPY reruns on the final stage's filesystem: its layers are fetched (base, built.txt, data.bin), and not
        // one layer of the build stage, whose steps were all found in the cache.
        string skopeo = RequiredTool.Find("skopeo", "skopeo");
        string[] LayersOf(string reference) => [.. System.Text.Json.JsonDocument.Parse(ProcessRunner.Run(skopeo, ["inspect", "--raw", "--tls-verify=false", $"docker://{reference}"]))
            .RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!)];
        string[] finalLayers = LayersOf($"{_registry.Host}/ci/app:edit1");
        string[] buildStageLayers = [.. LayersOf($"{_registry.Host}/ci/cache:edit").Except(finalLayers)];
        var fetched = _registry.BlobDownloads().Skip(before).Select(d => d.Digest).ToHashSet();
        Assert.Equal(finalLayers.SkipLast(1).Order(), fetched.Intersect(finalLayers).Order());
        Assert.NotEmpty(buildStageLayers);
        Assert.Empty(fetched.Intersect(buildStageLayers));
    }

    [Fact]
    public void InlineCache_CacheFromThePushedImage_FinalStageCachedSameDigest()
    {
        RequiredTool.RequireRoot();
        string image = $"{_registry.Host}/ci/inline:1";

        var first = Imgbuild("store-a", "-t", image, "--push", "--cache-to", "type=inline");
        var second = Imgbuild("store-b", "-t", $"{_registry.Host}/ci/inline:2", "--push", "--cache-to", "type=inline", "--cache-from", image);

        Assert.True(first.Status == 0, first.Err);
        Assert.True(second.Status == 0, second.Err);
        string config = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--config", "--raw", "--tls-verify=false", $"docker://{image}"]);
        Assert.Contains("\"imgbuild.cache.v1\"", config, StringComparison.Ordinal);
        var steps = ProgressSteps.Parse(second.Err).ToDictionary(s => s.Instruction, s => s.Cached);
        Assert.True(steps["RUN dd if=/dev/urandom of=/app/data.bin bs=1024 count=256 2>/dev/null"]);
        Assert.True(steps["COPY README.md /app/"]);
        Assert.Equal(first.Out, second.Out);
    }

    [Fact]
    public void LocalCacheModeMin_FreshStore_FinalStageCached_AndSkopeoCopiesTheCache()
    {
        RequiredTool.RequireRoot();
        string directory = Path.Combine(_root, "cache-dir");

        var first = Imgbuild("store-a", "--cache-to", $"type=local,dest={directory}");
        var second = Imgbuild("store-b", "--cache-from", $"type=local,src={directory}");

        Assert.True(first.Status == 0, first.Err);
        Assert.True(second.Status == 0, second.Err);
        Assert.Equal(first.Out, second.Out);
        var steps = ProgressSteps.Parse(second.Err).ToDictionary(s => s.Instruction, s => s.Cached);
        Assert.True(steps["RUN dd if=/dev/urandom of=/app/data.bin bs=1024 count=256 2>/dev/null"]);
        Assert.True(steps["COPY README.md /app/"]);
        // mode=min exports the final image's layers only: the build stage runs again (its output is identical).
        Assert.False(steps["RUN dd if=/dev/urandom of=/src/big.bin bs=1024 count=512 2>/dev/null && md5sum main.c > built.txt"]);
        ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["copy", $"oci:{directory}:latest", $"oci:{Path.Combine(_root, "copied")}:cache"]);
        Assert.True(File.Exists(Path.Combine(_root, "copied", "index.json")));
    }

    [Fact]
    public void CacheFrom_MissingCache_BuildsWithoutIt()
    {
        RequiredTool.RequireRoot();

        var build = Imgbuild("store-a", "--cache-from", $"type=registry,ref={_registry.Host}/ci/cache:never-pushed", "--cache-from", $"type=local,src={_root}/nothing");

        Assert.True(build.Status == 0, build.Err);
        Assert.Contains("imported 0 cache records", build.Err, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
