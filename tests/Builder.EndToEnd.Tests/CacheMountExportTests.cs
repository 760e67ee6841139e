using System.Security.Cryptography;
using System.Text.Json;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// <c>--cache-to …,cache-mounts=true</c> and <c>--cache-from</c> as a CI pipeline uses them (moby/buildkit#1474): one
/// store fills a <c>RUN --mount=type=cache</c> directory and exports it to a registry cache; a fresh store (a new
/// runner) imports the cache and its RUN finds the same files already there. An unchanged mount is not uploaded again,
/// and one over the size cap is left out.
/// </summary>
public sealed class CacheMountExportTests : IDisposable
{
    // Fills the cache the first time (as a package manager downloading), and says which way it went.
    private const string Run =
        "RUN --mount=type=cache,id=packages,target=/var/cache/packages sh -c 'cd /var/cache/packages; if [ -f done ]; then echo cache-was-warm; " +
        "else echo cache-was-cold; mkdir -p lib/deep; for i in $(seq 1 20); do head -c 20000 /dev/urandom > lib/p$i.bin; done; " +
        "ln -s p1.bin lib/link; chmod 600 lib/p2.bin; echo x > lib/deep/file; touch done; fi; ls lib | wc -l > /count'";

    private readonly RegistryServer _registry = new(accessLog: true);
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-cachemounts-e2e-").FullName;
    private readonly string _context;

    public CacheMountExportTests()
    {
        _context = TestContext.WithDockerfile(_root, "context", $"FROM {_registry.SeedBusybox("library/busybox")}\n{Run}\n");
    }

    private (int Status, string Out, string Err) Imgbuild(string store, params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, store), "--progress", "plain", .. args, _context]);

    private string MountDirectory(string store) =>
        Path.Combine(_root, store, "cache-mounts", Convert.ToHexStringLower(SHA256.HashData("packages"u8))[..32]);

    [Fact]
    public void RegistryCacheMounts_FreshStore_RestoresTheSameFilesBeforeTheRun()
    {
        RequiredTool.RequireRoot();
        string cache = $"type=registry,ref={_registry.Host}/ci/cache:mounts";
        var first = Imgbuild("store-a", "--cache-to", cache + ",cache-mounts=true");
        Assert.True(first.Status == 0, first.Err);
        Assert.Contains("cache-was-cold", first.Err, StringComparison.Ordinal);
        Assert.Contains("exported 1 cache mounts", first.Err, StringComparison.Ordinal);

        // --no-cache: the RUN runs again, as it would after a source change, and needs its cache mount.
        var second = Imgbuild("store-b", "--no-cache", "--cache-from", cache);

        Assert.True(second.Status == 0, second.Err);
        Assert.Contains("cache-was-warm", second.Err, StringComparison.Ordinal);
        Assert.Contains("restored 1 cache mounts from imported caches", second.Err, StringComparison.Ordinal);
        Assert.Equal(Listing(MountDirectory("store-a")), Listing(MountDirectory("store-b")));
    }

    [Fact]
    public void RegistryCacheMounts_UnchangedSinceImported_NotUploadedAgain()
    {
        RequiredTool.RequireRoot();
        string cache = $"type=registry,ref={_registry.Host}/ci/cache:again";
        Assert.Equal(0, Imgbuild("store-a", "--cache-to", cache + ",cache-mounts=true").Status);
        string mountBlob = CacheMountBlobs("ci/cache", "again").Single();
        int before = _registry.Log.Count;

        var second = Imgbuild("store-b", "--no-cache", "--cache-from", cache, "--cache-to", cache + ",cache-mounts=true");

        Assert.True(second.Status == 0, second.Err);
        Assert.Contains("exported 1 cache mounts", second.Err, StringComparison.Ordinal);
        Assert.Contains("0 changed, 1 unchanged since imported", second.Err, StringComparison.Ordinal);
        Assert.Equal(mountBlob, CacheMountBlobs("ci/cache", "again").Single());
        Assert.DoesNotContain(_registry.Log.Skip(before), line => line.Contains("PUT ", StringComparison.Ordinal) && line.Contains(mountBlob, StringComparison.Ordinal));
    }

    [Fact]
    public void RegistryCacheMounts_OverTheCap_LeftOutWithAWarning()
    {
        RequiredTool.RequireRoot();
        string cache = $"type=registry,ref={_registry.Host}/ci/cache:capped";

        var first = Imgbuild("store-a", "--cache-to", cache + ",cache-mounts=true,cache-mounts-max-size=100kB");

        Assert.True(first.Status == 0, first.Err);
        Assert.Contains("cache mount 'packages' is", first.Err, StringComparison.Ordinal);
        Assert.Contains("over cache-mounts-max-size=100kB", first.Err, StringComparison.Ordinal);
        Assert.Empty(CacheMountBlobs("ci/cache", "capped"));
        var second = Imgbuild("store-b", "--no-cache", "--cache-from", cache);
        Assert.Contains("cache-was-cold", second.Err, StringComparison.Ordinal);
    }

    // The cache mount layers the cache's config names, read from the registry as any client would.
    private List<string> CacheMountBlobs(string repository, string tag)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{_registry.Host}/v2/{repository}/") };
        var manifestRequest = new HttpRequestMessage(HttpMethod.Get, $"manifests/{tag}");
        manifestRequest.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using JsonDocument manifest = JsonDocument.Parse(http.Send(manifestRequest).EnsureSuccessStatusCode().Content.ReadAsStream());
        string config = manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
        using JsonDocument records = JsonDocument.Parse(http.GetStreamAsync($"blobs/{config}").Result);
        return records.RootElement.TryGetProperty("cacheMounts", out JsonElement mounts)
            ? [.. mounts.EnumerateArray().Select(m => m.GetProperty("layer").GetProperty("digest").GetString()!)]
            : [];
    }

    // Every entry under the directory: its path, type, mode, owner, and content or link target.
    private static List<string> Listing(string directory) =>
        [.. ProcessRunner.Run("/bin/sh", ["-c", "cd \"$1\" && find . -mindepth 1 -printf '%p %y %m %U:%G %l\\n' | sort && find . -type f -exec sha256sum {} + | sort", "sh", directory])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
