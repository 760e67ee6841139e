using System.Text;
using Builder.Oci;

namespace Builder.Cache.Tests.Oci;

public class DigestTests
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void Sha256Of_EmptyContent_IsWellKnownDigest() =>
        Assert.Equal("sha256:" + EmptySha256, Digest.Sha256Of([]).ToString());

    [Fact]
    public void Sha256Of_Content_MatchesKnownHash() =>
        Assert.Equal("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            Digest.Sha256Of(Encoding.ASCII.GetBytes("hello")).ToString());

    [Theory]
    [InlineData("sha256:" + EmptySha256)]
    [InlineData("sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    public void Parse_ValidDigest_RoundTrips(string value) => Assert.Equal(value, Digest.Parse(value).ToString());

    [Theory]
    [InlineData("", "expected 'sha256:")]
    [InlineData(EmptySha256, "expected 'sha256:")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e", "algorithm must be")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "lowercase hex")]
    [InlineData("sha256:e3b0", "64 hex characters, got 4")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g", "lowercase hex, found 'g'")]
    public void Parse_InvalidDigest_ThrowsQuotingInput(string value, string reason)
    {
        var e = Assert.Throws<FormatException>(() => Digest.Parse(value));
        Assert.Contains($"'{value}'", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.False(Digest.TryParse(value, out _));
    }

    [Fact]
    public void Constructor_BadEncoded_Throws() =>
        Assert.Throws<FormatException>(() => new Digest("sha256", "abc"));

    [Fact]
    public void Equality_SameValue_IsEqual() =>
        Assert.Equal(Digest.Parse("sha256:" + EmptySha256), Digest.Sha256Of([]));
}
