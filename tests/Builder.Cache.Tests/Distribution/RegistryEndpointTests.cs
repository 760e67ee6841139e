using System.Collections.Immutable;
using Builder.Cache.Distribution;

namespace Builder.Cache.Tests.Distribution;

public sealed class RegistryEndpointTests
{
    [Theory]
    [InlineData("docker.io", "https://registry-1.docker.io/")]
    [InlineData("ghcr.io", "https://ghcr.io/")]
    [InlineData("registry.example:5000", "https://registry.example:5000/")]
    [InlineData("localhost:5000", "http://localhost:5000/")]
    [InlineData("127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("127.1.2.3", "http://127.1.2.3/")]
    [InlineData("[::1]:5000", "http://[::1]:5000/")]
    public void BaseUri_Host_UsesHttpOnlyForLoopback(string host, string expected) =>
        Assert.Equal(expected, RegistryEndpoint.BaseUri(host, []).ToString());

    [Fact]
    public void BaseUri_InsecureRegistry_UsesHttp() =>
        Assert.Equal("http://registry.lan:5000/", RegistryEndpoint.BaseUri("registry.lan:5000", ImmutableHashSet.Create("registry.lan:5000")).ToString());

    [Fact]
    public void AuthChallenge_Bearer_ReadsQuotedParameters()
    {
        AuthChallenge challenge = AuthChallenge.Parse("""Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push" """)!;

        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal("https://auth.example/token", challenge.Parameters["realm"]);
        Assert.Equal("repository:a/b:pull,push", challenge.Parameters["scope"]);
    }
}
