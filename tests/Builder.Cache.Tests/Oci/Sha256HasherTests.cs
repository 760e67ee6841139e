using System.Security.Cryptography;
using System.Text;
using Builder.Oci;

namespace Builder.Cache.Tests.Oci;

public class Sha256HasherTests
{
    // FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2 additional examples").
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public void HashData_FipsExample_GivesItsDigest(string message, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sha256Hasher.HashData(Encoding.ASCII.GetBytes(message))));

    [Fact]
    public void HashData_MillionAs_GivesFipsDigest() =>
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
            Convert.ToHexStringLower(Sha256Hasher.HashData(Enumerable.Repeat((byte)'a', 1_000_000).ToArray())));

    [Fact]
    public void Append_EveryLengthAndChunking_MatchesSystemSha256()
    {
        var random = new Random(12);
        var hasher = new Sha256Hasher();
        for (int length = 0; length <= 300; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            // Whole, then in random pieces through one reused hasher (the padding crosses every block boundary).
            Assert.Equal(SHA256.HashData(data), Sha256Hasher.HashData(data));
            for (int offset = 0; offset < length;)
            {
                int piece = Math.Min(length - offset, random.Next(0, 70));
                hasher.Append(data.AsSpan(offset, piece));
                offset += piece;
            }
            Assert.Equal(SHA256.HashData(data), hasher.GetHashAndReset());
        }
    }
}
