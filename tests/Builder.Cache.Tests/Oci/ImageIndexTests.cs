using Builder.Oci;

namespace Builder.Cache.Tests.Oci;

public sealed class ImageIndexTests
{
    private static Descriptor Manifest(string content, string? platform) =>
        new(MediaTypes.OciManifest, Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(content)), 1)
        {
            Platform = platform is null ? null : Platform.Parse(platform),
        };

    [Fact]
    public void Select_SeveralPlatforms_ReturnsExactMatch()
    {
        Descriptor arm = Manifest("arm", "linux/arm/v7"), amd = Manifest("amd", "linux/amd64"), arm6 = Manifest("arm6", "linux/arm/v6");
        var index = new ImageIndex(MediaTypes.OciIndex, [arm6, arm, amd]);

        Assert.Equal(amd, index.Select(Platform.Parse("linux/amd64")));
        Assert.Equal(arm, index.Select(Platform.Parse("linux/arm/v7")));
    }

    [Fact]
    public void Select_OnlyVariantlessEntry_MatchesVariantRequest()
    {
        Descriptor arm64 = Manifest("arm64", "linux/arm64");
        var index = new ImageIndex(MediaTypes.OciIndex, [arm64]);

        Assert.Equal(arm64, index.Select(new Platform("linux", "arm64", "v8")));
    }

    [Fact]
    public void Select_NoMatchingPlatform_ReturnsNull()
    {
        var index = new ImageIndex(MediaTypes.OciIndex, [Manifest("x", "linux/s390x"), Manifest("attestation", null)]);

        Assert.Null(index.Select(Platform.Parse("linux/amd64")));
    }
}
