using System.Text.Json;

namespace Builder.Cli.Tests.Store;

public sealed class ImagesCommandTests : IDisposable
{
    private readonly SeededStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Images_SeededStore_PrintsTableWithShortDigestAndSize()
    {
        var manifest = await _store.AddImageAsync("app:1", 2000);

        var (status, output, error) = _store.Run("images");

        Assert.True(status == 0, error);
        string[] lines = output.TrimEnd().Split('\n');
        Assert.Matches(@"^REPOSITORY\s+TAG\s+DIGEST\s+CREATED\s+SIZE$", lines[0]);
        Assert.Matches($@"^app\s+1\s+{manifest.Digest.Encoded[..12]}\s+N/A\s+2\.\d+kB$", lines[1]);   // the seeded config has no created
    }

    [Fact]
    public async Task Images_FormatJson_PrintsNormalisedNamesAndSizes()
    {
        var manifest = await _store.AddImageAsync("ghcr.io/org/tool:v2", 100);

        var (status, output, error) = _store.Run("images", "--format", "json");

        Assert.True(status == 0, error);
        JsonElement image = Assert.Single(JsonDocument.Parse(output).RootElement.EnumerateArray());
        Assert.Equal("ghcr.io/org/tool:v2", image.GetProperty("name").GetString());
        Assert.Equal("ghcr.io/org/tool", image.GetProperty("repository").GetString());
        Assert.Equal(manifest.Digest.ToString(), image.GetProperty("digest").GetString());
        Assert.True(image.GetProperty("size").GetInt64() > 100);
    }

    [Fact]
    public void Images_EmptyStore_PrintsOnlyHeader()
    {
        var (status, output, _) = _store.Run("images");
        Assert.Equal(0, status);
        Assert.Equal("REPOSITORY   TAG   DIGEST   CREATED   SIZE\n", output);
    }
}
