using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Cache.Export;
using Builder.Oci;
using Builder.Testing.Images;
using Builder.Testing.Registry;

namespace Builder.Cache.Tests.Distribution;

/// <summary>A real registry with <c>auth: token</c>, and a token service that issues signed JWTs for basic credentials.</summary>
public sealed class RegistryTokenAuthTests : IDisposable
{
    private const string User = "robot";
    private const string Password = "t0ken-Passw0rd";
    private readonly RegistryServer _server = new(User, Password, bearerTokens: true);
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-token-test-").FullName;

    private sealed class Fixed(RegistryCredential credential) : IRegistryCredentials
    {
        public RegistryCredential? Find(string host) => credential;
    }

    [Fact]
    public async Task PushThenPull_WithBearerTokens_Succeeds()
    {
        using var client = new RegistryClient(new RegistryClientOptions { Credentials = new Fixed(new RegistryCredential(User, Password)) });
        var source = new OciLayoutReader(BusyboxImage.OciLayoutDirectory);
        Descriptor manifest = source.Find("latest") with { Annotations = source.Find("latest").Annotations.Clear() };
        var target = ImageReference.Parse($"{_server.Host}/team/app:1");

        await client.PushAsync(source, manifest, target, null, CancellationToken.None);
        Descriptor pulled = await client.PullAsync(target, Platform.Parse("linux/amd64"), new ContentStore(Path.Combine(_root, "store")), CancellationToken.None);

        Assert.Equal(manifest.Digest, pulled.Digest);
        Assert.InRange(_server.Tokens!.TokensIssued, 1, 4);
    }

    [Fact]
    public async Task Pull_TokenServiceRefusesCredentials_FailsWithoutShowingThem()
    {
        using var client = new RegistryClient(new RegistryClientOptions { Credentials = new Fixed(new RegistryCredential(User, "bad-t0ken-Passw0rd")) });

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.ResolveAsync(ImageReference.Parse($"{_server.Host}/team/app:1"), Platform.Parse("linux/amd64"), CancellationToken.None));

        Assert.Contains("getting a token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bad-t0ken-Passw0rd", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
