using Builder.Oci;

namespace Builder.Cli.Tests.Store;

public sealed class SaveLoadCommandTests : IDisposable
{
    private readonly SeededStore _store = new();
    private readonly SeededStore _other = new();
    private readonly string _files = Directory.CreateTempSubdirectory("imgbuild-save-test-").FullName;

    [Theory]
    [InlineData("docker")]
    [InlineData("oci")]
    public async Task Save_ThenLoadIntoAnotherStore_GivesSameImageUnderSameName(string format)
    {
        Descriptor manifest = await _store.AddImageAsync("app:1", 100, 200);
        string archive = Path.Combine(_files, "app.tar");

        var saved = _store.Run("save", "app:1", "-o", archive, "--format", format);
        var loaded = _other.Run("load", "-i", archive);

        Assert.True(saved.Status == 0, saved.Err);
        Assert.True(loaded.Status == 0, loaded.Err);
        Assert.Equal("Loaded image: app:1\n", loaded.Out);
        Assert.Equal(manifest.Digest, (await _other.Images.GetAsync(ImageReference.Parse("app:1"))).Target.Digest);
    }

    [Fact]
    public async Task Load_GzipCompressedArchive_IsRead()
    {
        await _store.AddImageAsync("app:1", 10);
        string archive = Path.Combine(_files, "app.tar");
        _store.Run("save", "app:1", "-o", archive);
        await using (FileStream input = File.OpenRead(archive))
        await using (FileStream output = File.Create(archive + ".gz"))
        await using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
            await input.CopyToAsync(gzip);

        var loaded = _other.Run("load", "-i", archive + ".gz");

        Assert.True(loaded.Status == 0, loaded.Err);
        Assert.NotNull(await _other.Images.FindAsync(ImageReference.Parse("app:1")));
    }

    [Fact]
    public async Task Save_OciLayout_LoadsBackFromTheDirectory()
    {
        Descriptor manifest = await _store.AddImageAsync("localhost:5000/app:2", 10);
        string layout = Path.Combine(_files, "layout");

        Assert.Equal(0, _store.Run("save", "localhost:5000/app:2", "-o", layout, "--format", "oci-layout").Status);
        var loaded = _other.Run("load", "-i", layout);

        Assert.Equal("Loaded image: localhost:5000/app:2\n", loaded.Out);
        Assert.Equal(manifest.Digest, (await _other.Images.GetAsync(ImageReference.Parse("localhost:5000/app:2"))).Target.Digest);
    }

    [Fact]
    public void Load_NotAnArchive_PrintsOneLineAndExitsOne()
    {
        string file = Path.Combine(_files, "junk.tar");
        File.WriteAllText(file, "not a tar at all, but long enough to be read as a tar header block? no." + new string('x', 600));

        var (status, output, error) = _other.Run("load", "-i", file);

        Assert.Equal(1, status);
        Assert.Equal("", output);
        Assert.StartsWith("imgbuild: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Save_UnknownImage_PrintsNoSuchImage()
    {
        var (status, _, error) = _store.Run("save", "nope:1", "-o", Path.Combine(_files, "x.tar"));

        Assert.Equal((1, "imgbuild: no such image: nope:1\n"), (status, error));
    }

    public void Dispose()
    {
        _store.Dispose();
        _other.Dispose();
        Directory.Delete(_files, recursive: true);
    }
}
