using Builder.Oci;

namespace Builder.Cli.Tests.Store;

public sealed class TagCommandTests : IDisposable
{
    private readonly SeededStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Tag_ThenRmi_MovesTheNameAndKeepsTheImage()
    {
        Descriptor manifest = await _store.AddImageAsync("app:1", 10);

        Assert.Equal(0, _store.Run("tag", "app:1", "localhost:5000/app:release").Status);
        var (status, output, error) = _store.Run("rmi", "app:1");

        Assert.True(status == 0, error);
        Assert.Equal($"Untagged: app:1@{manifest.Digest}\n", output);
        var image = Assert.Single(await _store.Images.ListAsync());
        Assert.Equal(("localhost:5000/app:release", manifest.Digest), (image.Reference.ToString(), image.Target.Digest));
    }

    [Fact]
    public async Task Tag_SourceByDigest_FindsTheImage()
    {
        Descriptor manifest = await _store.AddImageAsync("app:1", 10);
        Assert.Equal(0, _store.Run("tag", $"app@{manifest.Digest}", "app:2").Status);
        Assert.NotNull(await _store.Images.FindAsync(ImageReference.Parse("app:2")));
    }

    [Fact]
    public void Tag_UnknownSource_PrintsOneLineAndExitsOne()
    {
        var (status, output, error) = _store.Run("tag", "app:1", "app:2");
        Assert.Equal(1, status);
        Assert.Equal("", output);
        Assert.Equal("imgbuild: no such image: app:1\n", error);
    }

    [Fact]
    public async Task Tag_TargetWithoutTag_ExplainsInOneLine()
    {
        Descriptor manifest = await _store.AddImageAsync("app:1", 10);
        var (status, _, error) = _store.Run("tag", "app:1", $"app@{manifest.Digest}");
        Assert.Equal(1, status);
        Assert.Equal($"imgbuild: 'app@{manifest.Digest}' has no tag: an image name needs one, for example docker.io/library/app:latest\n", error);
    }

    [Fact]
    public void Tag_InvalidName_QuotesIt()
    {
        var (status, _, error) = _store.Run("tag", "App:1", "app:2");
        Assert.Equal(1, status);
        Assert.StartsWith("imgbuild: 'App:1' is not a valid image reference", error);
        Assert.DoesNotContain("   at ", error);
    }
}
