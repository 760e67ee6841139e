using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// The CI round trip against a registry that wants bearer tokens: login, build and push with --cache-to, then a
/// fresh store builds with --cache-from and finds every step cached. Credentials come from Docker's config, as in CI.
/// </summary>
public sealed class AuthenticatedCacheTests : IDisposable
{
    private readonly RegistryServer _registry = new("ci", "Passw0rd-ci", bearerTokens: true);
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-authcache-e2e-").FullName;
    private readonly Dictionary<string, string?> _environment;

    // DOCKER_CONFIG for these builds only: other test classes build in parallel in the same process.
    public AuthenticatedCacheTests() =>
        _environment = new() { ["DOCKER_CONFIG"] = Directory.CreateDirectory(Path.Combine(_root, "docker-config")).FullName };

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(_environment, args);

    [Theory]
    [InlineData("max")]
    [InlineData("min")]
    [InlineData("inline")]
    public void CacheRoundTrip_WithBearerTokens_EveryStepCachedInAFreshStore(string mode)
    {
        RequiredTool.RequireRoot();
        string baseImage = _registry.SeedBusybox("library/busybox", "ci", "Passw0rd-ci");
        string context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {baseImage}\nRUN echo one > /one\nRUN echo two > /two\n");
        string cacheTo = mode == "inline" ? "type=inline" : $"type=registry,ref={_registry.Host}/ci/cache:{mode},mode={mode}";
        string cacheFrom = mode == "inline" ? $"{_registry.Host}/ci/app:{mode}-1" : $"type=registry,ref={_registry.Host}/ci/cache:{mode}";

        Assert.Equal(0, Imgbuild("login", _registry.Host, "-u", "ci", "-p", "Passw0rd-ci").Status);
        var first = Imgbuild("--root", Path.Combine(_root, mode + "-a"), "-t", $"{_registry.Host}/ci/app:{mode}-1", "--push", "--cache-to", cacheTo, context);
        var second = Imgbuild("--root", Path.Combine(_root, mode + "-b"), "--progress", "plain", "-t", $"{_registry.Host}/ci/app:{mode}-2", "--push",
            "--cache-to", cacheTo, "--cache-from", cacheFrom, context);

        Assert.True(first.Status == 0, first.Err);
        Assert.True(second.Status == 0, second.Err);
        Assert.Contains("imported 2 cache records", second.Err, StringComparison.Ordinal);
        Assert.All(ProgressSteps.Parse(second.Err).Where(s => s.Instruction.StartsWith("RUN", StringComparison.Ordinal)), s => Assert.True(s.Cached, s.Instruction + "\n" + second.Err));
        Assert.True(first.Out == second.Out, $"digests differ: {first.Out} {second.Out}\n{first.Err}\n{second.Err}");
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
