using System.Formats.Tar;
using Builder.Cache.Export;
using Builder.Oci;
using Builder.Testing;

namespace Builder.Cache.Tests.Export;

public sealed class ImageArchiveTests : IDisposable
{
    private readonly ExportFixture _fixture = new();

    private async Task<string> WriteOciArchiveAsync(string name)
    {
        string path = _fixture.PathOf(name);
        await using FileStream file = File.Create(path);
        await ImageArchiveWriter.WriteOciAsync(_fixture.Source, _fixture.Image("localhost/app:1"), file, CancellationToken.None);
        return path;
    }

    [Fact]
    public async Task WriteOciAsync_Image_SkopeoCopiesItOut()
    {
        string archive = await WriteOciArchiveAsync("app.tar");
        string copy = _fixture.PathOf("copy");

        ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["copy", $"oci-archive:{archive}:1", $"oci:{copy}:copied"]);

        Assert.Equal(_fixture.Manifest.Digest, new OciLayoutReader(copy).Find("copied").Digest);
    }

    [Fact]
    public async Task WriteOciAsync_SameImageTwice_SameBytes()
    {
        string first = await WriteOciArchiveAsync("1.tar"), second = await WriteOciArchiveAsync("2.tar");

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public async Task ReadAsync_OciArchive_GivesImageNamesAndVerifiedBlobs()
    {
        string archive = await WriteOciArchiveAsync("app.tar");

        await using FileStream file = File.OpenRead(archive);
        using ImageArchive read = await ImageArchiveReader.ReadAsync(file, _fixture.Directory, CancellationToken.None);

        ExportedImage image = Assert.Single(read.Images);
        Assert.Equal(_fixture.Manifest.Digest, image.Root.Digest);
        Assert.Equal("localhost/app:1", Assert.Single(image.Names).ToString());
        Assert.All(ImageBlobs.Collect(_fixture.Source, _fixture.Manifest), d => Assert.True(read.Contains(d.Digest)));
    }

    [Fact]
    public async Task ReadAsync_BlobNotMatchingItsName_IsRefused()
    {
        string archive = _fixture.PathOf("bad.tar");
        Digest named = Digest.Sha256Of("something else"u8);
        await using (FileStream file = File.Create(archive))
        await using (var tar = new TarWriter(file))
        {
            await tar.WriteEntryAsync(Entry("oci-layout", OciLayoutWriter.LayoutFileContent));
            await tar.WriteEntryAsync(Entry("index.json", """{"schemaVersion":2,"manifests":[]}"""));
            await tar.WriteEntryAsync(Entry($"blobs/sha256/{named.Encoded}", "tampered"));
        }

        await using FileStream input = File.OpenRead(archive);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ImageArchiveReader.ReadAsync(input, _fixture.Directory, CancellationToken.None));

        Assert.Contains(named.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EntryNamedOutsideArchive_WritesNothingOutsideWorkDirectory()
    {
        string work = Directory.CreateDirectory(_fixture.PathOf("work")).FullName;
        string archive = _fixture.PathOf("slip.tar");
        await using (FileStream file = File.Create(archive))
        await using (var tar = new TarWriter(file))
        {
            await tar.WriteEntryAsync(Entry("../escaped", "x"));
            await tar.WriteEntryAsync(Entry("/tmp/imgbuild-absolute-escape", "x"));
            await tar.WriteEntryAsync(Entry("oci-layout", OciLayoutWriter.LayoutFileContent));
            await tar.WriteEntryAsync(Entry("index.json", """{"schemaVersion":2,"manifests":[]}"""));
        }

        await using FileStream input = File.OpenRead(archive);
        using ImageArchive read = await ImageArchiveReader.ReadAsync(input, work, CancellationToken.None);

        Assert.Empty(read.Images);
        Assert.False(File.Exists(_fixture.PathOf("escaped")));
        Assert.False(File.Exists("/tmp/imgbuild-absolute-escape"));
    }

    private static PaxTarEntry Entry(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)) };

    public void Dispose() => _fixture.Dispose();
}
