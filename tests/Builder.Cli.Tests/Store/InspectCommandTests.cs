using System.Text.Json;
using Builder.Oci;

namespace Builder.Cli.Tests.Store;

public sealed class InspectCommandTests : IDisposable
{
    private readonly SeededStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Inspect_Image_PrintsManifestAndConfigAsJson()
    {
        Descriptor manifest = await _store.AddImageAsync("app:1", 10, 20);

        var (status, output, error) = _store.Run("inspect", "app:1");

        Assert.True(status == 0, error);
        JsonElement root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("docker.io/library/app:1", root.GetProperty("name").GetString());
        Assert.Equal(manifest.Digest.ToString(), root.GetProperty("digest").GetString());
        Assert.Equal(2, root.GetProperty("manifest").GetProperty("layers").GetArrayLength());
        Assert.Equal("NAME=app:1", root.GetProperty("config").GetProperty("config").GetProperty("Env")[0].GetString());
    }

    [Fact]
    public async Task Inspect_Index_PrintsTheIndex()
    {
        Descriptor child = await _store.AddImageAsync("app:amd64", 10);
        var index = new ImageIndex(MediaTypes.OciIndex, [child with { Platform = new Platform("linux", "amd64") }]);
        Descriptor indexDescriptor = await _store.Content.WriteAsync(MediaTypes.OciIndex, ManifestSerializer.Serialize(index));
        await _store.Images.SetAsync(ImageReference.Parse("app:multi"), indexDescriptor);

        var (status, output, error) = _store.Run("inspect", "app:multi");

        Assert.True(status == 0, error);
        JsonElement manifests = JsonDocument.Parse(output).RootElement.GetProperty("index").GetProperty("manifests");
        Assert.Equal("amd64", manifests[0].GetProperty("platform").GetProperty("architecture").GetString());
    }

    [Fact]
    public void Inspect_UnknownImage_PrintsNoSuchImage()
    {
        var (status, _, error) = _store.Run("inspect", "app:1");
        Assert.Equal(1, status);
        Assert.Equal("imgbuild: no such image: app:1\n", error);
    }
}
