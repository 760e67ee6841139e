using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// The README's install command, as a new user runs it: <c>bash scripts/install.sh --prefix DIR</c> publishes the
/// NativeAOT imgbuild (once per source: scripts/publish-aot.sh keeps it in artifacts/imgbuild while src/ is unchanged)
/// into DIR/bin; with only DIR/bin and the system folders on PATH, <c>imgbuild</c> is found there, prints the
/// repository's version, builds, and loads into Docker what <c>docker run</c> then runs.
/// </summary>
public sealed class InstallScriptTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-install-e2e-").FullName;
    private string? _home;
    private readonly string _tag = $"imgbuild-e2e/installed:{Guid.NewGuid():N}";

    [Fact]
    public void Install_IntoATemporaryPrefix_PutsImgbuildOnPathThatBuildsAndLoads()
    {
        RequiredTool.RequireRoot();
        string repository = PackagedProject.Repository;
        string prefix = Path.Combine(_root, "prefix");
        string dotnet = Path.GetDirectoryName(RequiredTool.Find("dotnet", "dotnet-sdk-10.0"))!;
        // A clean PATH: the new prefix, the SDK (the install publishes with it) and the system folders, nothing else.
        var environment = new Dictionary<string, string> { ["PATH"] = $"{prefix}/bin:{dotnet}:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin" };

        var install = ProcessRunner.Capture("bash", [Path.Combine(repository, "scripts", "install.sh"), "--prefix", prefix], repository, environment,
            timeout: TimeSpan.FromMinutes(30));

        Assert.True(install.ExitCode == 0, install.Stderr + install.Stdout);
        Assert.Equal($"{prefix}/bin/imgbuild\n", install.Stdout);
        Assert.Equal($"{prefix}/bin/imgbuild\n", Shell(environment, "command -v imgbuild"));
        Assert.StartsWith($"{PackagedProject.Version}+", Shell(environment, "imgbuild --version"), StringComparison.Ordinal);

        _ = DockerEngine.Docker;
        string context = TestContext.WithDockerfile(_root, $"""
            FROM {_registry.SeedBusybox("library/busybox")}
            RUN echo "built by the installed imgbuild" > /message
            CMD ["cat", "/message"]
            """);
        string build = Shell(environment, $"imgbuild --root '{_root}/store' build --progress plain --load -t {_tag} '{context}' 2>&1");
        Assert.Contains("loaded into the Docker engine", build, StringComparison.Ordinal);
        Assert.Equal("built by the installed imgbuild\n", DockerEngine.Run("run", "--rm", "--network=none", _tag));
    }

    [Fact]
    public void Install_AsAUserWithoutPrefix_InstallsIntoHomeLocalBin()
    {
        RequiredTool.RequireRoot();
        string repository = PackagedProject.Repository;
        string dotnet = Path.GetDirectoryName(RequiredTool.Find("dotnet", "dotnet-sdk-10.0"))!;
        // As root first, into a scratch prefix: the publish a user cannot write into the clone's artifacts/ is made then.
        ProcessRunner.Run("bash", [Path.Combine(repository, "scripts", "install.sh"), "--prefix", Path.Combine(_root, "scratch")], repository,
            new Dictionary<string, string> { ["PATH"] = $"{dotnet}:/usr/sbin:/usr/bin:/sbin:/bin" }, TimeSpan.FromMinutes(30));
        // A home of its own beside the test's folder, which is private to root (0700).
        string home = _home = Directory.CreateTempSubdirectory("imgbuild-install-home-").FullName;
        ProcessRunner.Run("chown", ["65534:65534", home]);

        string installed = ProcessRunner.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "env", "-i", $"HOME={home}",
            $"PATH={dotnet}:/usr/bin:/bin", "bash", Path.Combine(repository, "scripts", "install.sh")], repository, timeout: TimeSpan.FromMinutes(5));

        Assert.Equal($"{home}/.local/bin/imgbuild\n", installed);
        Assert.StartsWith($"{PackagedProject.Version}+", ProcessRunner.Run($"{home}/.local/bin/imgbuild", ["--version"]), StringComparison.Ordinal);
    }

    private static string Shell(IReadOnlyDictionary<string, string> environment, string command) =>
        ProcessRunner.Run("bash", ["-c", command], environment: environment, timeout: TimeSpan.FromMinutes(5));

    public void Dispose()
    {
        try { DockerEngine.Run("rmi", "--force", _tag); }
        catch (InvalidOperationException) { } // the test failed before loading it
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
        if (_home is not null) Directory.Delete(_home, recursive: true);
    }
}
