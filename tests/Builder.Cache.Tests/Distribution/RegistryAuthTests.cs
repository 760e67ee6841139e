using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Oci;
using Builder.Testing.Registry;

namespace Builder.Cache.Tests.Distribution;

/// <summary>A real registry behind htpasswd basic auth.</summary>
public sealed class RegistryAuthTests : IDisposable
{
    private const string User = "builder";
    private const string Password = "s3cret-Passw0rd";
    private readonly RegistryServer _server = new(User, Password);
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-auth-test-").FullName;
    private readonly ImageReference _busybox;

    public RegistryAuthTests()
    {
        _busybox = ImageReference.Parse(_server.SeedBusybox("private/busybox", User, Password));
    }

    private string Config(string user, string password)
    {
        string path = Path.Combine(_root, Guid.NewGuid().ToString("N"), "config.json");
        new DockerConfigCredentials(path).Save(_server.Host, new RegistryCredential(user, password));
        return path;
    }

    [Fact]
    public async Task PullAsync_CredentialsFromDockerConfig_Succeeds()
    {
        using var client = new RegistryClient(new RegistryClientOptions { Credentials = new DockerConfigCredentials(Config(User, Password)) });

        Descriptor manifest = await client.PullAsync(_busybox, Platform.Parse("linux/amd64"), new ContentStore(Path.Combine(_root, "store")), CancellationToken.None);

        Assert.Equal(Builder.Testing.Images.BusyboxImage.ManifestDigest, manifest.Digest.ToString());
    }

    [Fact]
    public async Task PullAsync_WrongPassword_FailsWithoutShowingIt()
    {
        using var client = new RegistryClient(new RegistryClientOptions { Credentials = new DockerConfigCredentials(Config(User, "wrong-Passw0rd")) });

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.PullAsync(_busybox, Platform.Parse("linux/amd64"), new ContentStore(Path.Combine(_root, "store")), CancellationToken.None));

        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-Passw0rd", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullAsync_NoCredentials_SaysHowToLogIn()
    {
        using var client = new RegistryClient();

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.PullAsync(_busybox, Platform.Parse("linux/amd64"), new ContentStore(Path.Combine(_root, "store")), CancellationToken.None));

        Assert.Contains($"imgbuild login {_server.Host}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_ThenFind_RoundTripsAndKeepsOtherEntries()
    {
        string path = Path.Combine(_root, "config.json");
        File.WriteAllText(path, """{"auths":{"other.example":{"auth":"dTpw"}},"psFormat":"table"}""");
        var config = new DockerConfigCredentials(path);

        config.Save(_server.Host, new RegistryCredential(User, Password));

        Assert.Equal(new RegistryCredential(User, Password), config.Find(_server.Host));
        Assert.Equal(new RegistryCredential("u", "p"), config.Find("other.example"));
        Assert.Contains("psFormat", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, new RegistryCredential(User, Password).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Find_CredentialHelper_IsAskedWithTheHost()
    {
        string bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        string helper = Path.Combine(bin, "docker-credential-imgbuildtest");
        File.WriteAllText(helper, "#!/bin/sh\nread host\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"helper-user\",\"Secret\":\"helper-%s\"}' \"$host\" \"$host\"\n");
        Builder.Testing.ProcessRunner.Run("chmod", ["755", helper]);
        string config = Path.Combine(_root, "helper-config.json");
        File.WriteAllText(config, $$$"""{"credHelpers":{"{{{_server.Host}}}":"imgbuildtest"}}""");
        string? path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", bin + ":" + path);
        try
        {
            Assert.Equal(new RegistryCredential("helper-user", "helper-" + _server.Host), new DockerConfigCredentials(config).Find(_server.Host));
            Assert.Null(new DockerConfigCredentials(config).Find("elsewhere.example"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
