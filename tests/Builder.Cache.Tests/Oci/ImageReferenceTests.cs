using Builder.Oci;

namespace Builder.Cache.Tests.Oci;

public class ImageReferenceTests
{
    private const string Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Theory]
    [InlineData("alpine", "docker.io/library/alpine:latest", "alpine:latest")]
    [InlineData("alpine:3.20", "docker.io/library/alpine:3.20", "alpine:3.20")]
    [InlineData("library/alpine:3", "docker.io/library/alpine:3", "alpine:3")]
    [InlineData("docker.io/library/alpine", "docker.io/library/alpine:latest", "alpine:latest")]
    [InlineData("index.docker.io/library/alpine", "docker.io/library/alpine:latest", "alpine:latest")]
    [InlineData("docker.io/alpine", "docker.io/library/alpine:latest", "alpine:latest")]
    [InlineData("user/app", "docker.io/user/app:latest", "user/app:latest")]
    [InlineData("docker.io/library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest")]
    [InlineData("localhost/app", "localhost/app:latest", "localhost/app:latest")]
    [InlineData("localhost:5000/app@sha256:" + Hex, "localhost:5000/app@sha256:" + Hex, "localhost:5000/app@sha256:" + Hex)]
    [InlineData("alpine@sha256:" + Hex, "docker.io/library/alpine@sha256:" + Hex, "alpine@sha256:" + Hex)]
    [InlineData("host.example/ns/app:tag@sha256:" + Hex, "host.example/ns/app:tag@sha256:" + Hex, "host.example/ns/app:tag@sha256:" + Hex)]
    [InlineData("ghcr.io/o/a.b_c__d-e---f:v1.0-rc_1", "ghcr.io/o/a.b_c__d-e---f:v1.0-rc_1", "ghcr.io/o/a.b_c__d-e---f:v1.0-rc_1")]
    [InlineData("Registry/app", "Registry/app:latest", "Registry/app:latest")]
    [InlineData("[::1]:5000/app:1", "[::1]:5000/app:1", "[::1]:5000/app:1")]
    public void Parse_ValidReference_Normalises(string input, string canonical, string familiar)
    {
        ImageReference reference = ImageReference.Parse(input);
        Assert.Equal(canonical, reference.ToString());
        Assert.Equal(familiar, reference.FamiliarName);
        Assert.Equal(reference, ImageReference.Parse(reference.ToString()));
    }

    [Fact]
    public void Parse_TagAndDigest_SetsEachPart()
    {
        ImageReference r = ImageReference.Parse("localhost:5000/ns/app:1.2@sha256:" + Hex);
        Assert.Equal("localhost:5000", r.Registry);
        Assert.Equal("ns/app", r.Repository);
        Assert.Equal("1.2", r.Tag);
        Assert.Equal(Digest.Parse("sha256:" + Hex), r.Digest);
    }

    [Fact]
    public void Parse_DigestOnly_HasNoTag() => Assert.Null(ImageReference.Parse("alpine@sha256:" + Hex).Tag);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Alpine", "must be lowercase")]
    [InlineData("user/App:1", "must be lowercase")]
    [InlineData("alpine:", "tag after ':' is empty")]
    [InlineData("alpine:-bad", "tag '-bad'")]
    [InlineData("alpine:bad/tag", "registry 'alpine:bad'")]
    [InlineData("alpine@sha256:abc", "digest 'sha256:abc'")]
    [InlineData("alpine@", "digest ''")]
    [InlineData(Hex, "64-character hex")]
    [InlineData("-alpine", "path component '-alpine'")]
    [InlineData("a//b", "empty path component")]
    [InlineData("bad_host.io/app", "registry 'bad_host.io'")]
    [InlineData("host:port/app", "registry 'host:port'")]
    [InlineData(":tag", "repository name is empty")]
    public void Parse_Invalid_ThrowsQuotingInputAndReason(string input, string reason)
    {
        var e = Assert.Throws<FormatException>(() => ImageReference.Parse(input));
        Assert.Contains($"'{input}'", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.False(ImageReference.TryParse(input, out _));
    }

    [Fact]
    public void Parse_TooLongName_Throws()
    {
        var e = Assert.Throws<FormatException>(() => ImageReference.Parse("r.io/" + new string('a', 260)));
        Assert.Contains("longer than 255", e.Message);
    }

    [Fact]
    public void WithDigest_KeepsTag() =>
        Assert.Equal("docker.io/library/alpine:3@sha256:" + Hex,
            ImageReference.Parse("alpine:3").WithDigest(Digest.Parse("sha256:" + Hex)).ToString());
}
