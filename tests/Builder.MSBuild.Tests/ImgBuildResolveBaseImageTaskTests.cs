using Builder.MSBuild;

namespace Builder.MSBuild.Tests;

/// <summary>What the base image resolution reads from <c>imgbuild inspect</c>: the digest, the media type and the config.</summary>
public sealed class ImgBuildResolveBaseImageTaskTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static string Inspect(string manifest, string config = """{"Entrypoint":["dotnet"],"Cmd":["--info"],"Env":["APP_UID=1654","EMPTY=","A=b=c"]}""") =>
        $$$"""{"name":"base:1","digest":"{{{Digest}}}","manifest":{{{manifest}}},"config":{"architecture":"amd64","os":"linux","config":{{{config}}}}}""";

    [Fact]
    public void TryRead_DockerManifest_IsTheDockerFormat()
    {
        string json = Inspect("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json"}}""");

        Assert.True(ImgBuildResolveBaseImageTask.TryRead(json, out var config, out string error), error);

        Assert.Equal(Digest, config.ManifestDigest);
        Assert.Equal(ImgBuildResolveBaseImageTask.DockerManifestMediaType, config.ManifestMediaType);
        Assert.Equal(["dotnet"], config.Entrypoint);
        Assert.Equal(["--info"], config.Cmd);
        Assert.Equal([("APP_UID", "1654"), ("EMPTY", ""), ("A", "b=c")], config.Environment);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json"}}""")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json"}}""")]
    public void TryRead_OciManifest_IsTheOciFormat(string manifest)
    {
        Assert.True(ImgBuildResolveBaseImageTask.TryRead(Inspect(manifest, "{}"), out var config, out string error), error);

        Assert.Equal(ImgBuildResolveBaseImageTask.OciManifestMediaType, config.ManifestMediaType);
        Assert.Empty(config.Entrypoint);
        Assert.Empty(config.Cmd);
    }

    [Fact]
    public void TryRead_DockerConfigWithoutManifestMediaType_IsTheDockerFormat()
    {
        string json = Inspect("""{"schemaVersion":2,"config":{"mediaType":"application/vnd.docker.container.image.v1+json"}}""");

        Assert.True(ImgBuildResolveBaseImageTask.TryRead(json, out var config, out string error), error);

        Assert.Equal(ImgBuildResolveBaseImageTask.DockerManifestMediaType, config.ManifestMediaType);
    }

    [Fact]
    public void TryRead_Index_IsNotSupportedYet()
    {
        string json = $$$"""{"name":"base:1","digest":"{{{Digest}}}","index":{"schemaVersion":2,"manifests":[]}}""";

        Assert.False(ImgBuildResolveBaseImageTask.TryRead(json, out _, out string error));

        Assert.StartsWith("not supported yet: it is a multi-platform index", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_NotJson_SaysSo()
    {
        Assert.False(ImgBuildResolveBaseImageTask.TryRead("imgbuild: no such image", out _, out string error));

        Assert.StartsWith("imgbuild inspect printed what this task cannot read", error, StringComparison.Ordinal);
    }
}
