using Builder.Oci;
using Builder.Cli.Tests.Store;
using Builder.Testing;
using Builder.Testing.Images;
using Builder.Testing.Registry;

namespace Builder.Cli.Tests.Registry;

/// <summary>pull, push and login against real docker-registry servers, each test with a DOCKER_CONFIG of its own.</summary>
public sealed class RegistryCommandTests : IDisposable
{
    private readonly string _dockerConfig = Directory.CreateTempSubdirectory("imgbuild-docker-config-").FullName;
    private readonly SeededStore _store;

    public RegistryCommandTests() => _store = new(new Dictionary<string, string?> { ["DOCKER_CONFIG"] = _dockerConfig });

    [Fact]
    public async Task Pull_SeededImage_IsStoredUnderItsName()
    {
        using var server = new RegistryServer();
        string reference = server.SeedBusybox("lib/busybox");

        var (status, output, error) = _store.Run("pull", reference);

        Assert.True(status == 0, error);
        Assert.Equal($"{reference}: pulled {BusyboxImage.ManifestDigest}\n", output);
        Assert.Equal(BusyboxImage.ManifestDigest, (await _store.Images.GetAsync(ImageReference.Parse(reference))).Target.Digest.ToString());
    }

    [Fact]
    public async Task Push_StoredImage_SkopeoInspectsIt()
    {
        using var server = new RegistryServer();
        string name = $"{server.Host}/app/pushed:1";
        Descriptor manifest = await _store.AddImageAsync(name, 100);

        var (status, output, error) = _store.Run("push", name);

        Assert.True(status == 0, error);
        Assert.StartsWith($"{name}: digest: {manifest.Digest}", output, StringComparison.Ordinal);
        string raw = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--raw", "--tls-verify=false", $"docker://{name}"]);
        Assert.Equal(manifest.Digest, Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(raw)));
    }

    [Fact]
    public void Login_GoodPassword_SavesAuthThatPullThenUses()
    {
        using var server = new RegistryServer("ci", "Passw0rd-ci");
        string reference = server.SeedBusybox("private/busybox", "ci", "Passw0rd-ci");

        var login = _store.Run("login", server.Host, "-u", "ci", "-p", "Passw0rd-ci");
        var pull = _store.Run("pull", reference);

        Assert.True(login.Status == 0, login.Err);
        Assert.StartsWith("Login Succeeded", login.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Passw0rd-ci", login.Out + login.Err, StringComparison.Ordinal);
        Assert.True(pull.Status == 0, pull.Err);
    }

    [Fact]
    public void Logout_AfterLogin_PullIsRefusedAgain()
    {
        using var server = new RegistryServer("ci", "Passw0rd-ci");
        string reference = server.SeedBusybox("private/busybox", "ci", "Passw0rd-ci");
        Assert.Equal(0, _store.Run("login", server.Host, "-u", "ci", "-p", "Passw0rd-ci").Status);

        var logout = _store.Run("logout", server.Host);
        var again = _store.Run("logout", server.Host);
        var pull = _store.Run("pull", reference);

        Assert.Equal((0, $"Removing login credentials for {server.Host}\n"), (logout.Status, logout.Out));
        Assert.Equal($"Not logged in to {server.Host}\n", again.Out);
        Assert.Equal(1, pull.Status);
        Assert.DoesNotContain(server.Host, File.ReadAllText(Path.Combine(_dockerConfig, "config.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Login_BadPassword_FailsAndSavesNothing()
    {
        using var server = new RegistryServer("ci", "Passw0rd-ci");

        var (status, output, error) = _store.Run("login", server.Host, "-u", "ci", "-p", "not-the-Passw0rd");

        Assert.Equal(1, status);
        Assert.Equal("", output);
        Assert.Contains("401", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-Passw0rd", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dockerConfig, "config.json")));
    }

    [Fact]
    public void Pull_UnknownImage_PrintsRegistryErrorOnOneLine()
    {
        using var server = new RegistryServer();

        var (status, _, error) = _store.Run("pull", $"{server.Host}/nothing/here:1");

        Assert.Equal(1, status);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Matches("(NAME|MANIFEST)_UNKNOWN", error);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dockerConfig, recursive: true);
    }
}
